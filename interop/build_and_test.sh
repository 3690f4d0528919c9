#!/usr/bin/env bash
# Builds and tests both deliveries of the UqKernels C ABI on a fresh Debian machine:
#   1. installs what is missing (cmake, gcc/g++, make, zlib1g-dev, numpy, scipy, scikit-learn, pytest),
#   2. builds the managed interop project (hosted delivery) and its xunit tests,
#   3. publishes the NativeAOT library (CPU only) into interop/out/aot/lib/libuqkernels.so,
#   4. builds the hosted shim, the C tests, the timing program (CMake) and lays out interop/out/hosted,
#   5. runs everything with `ctest --output-on-failure` (C suite x 2 libraries, Python x 2, example x 2, xunit),
#   6. records cold-start / per-call timings of both libraries in interop/out/timing.txt.
# Exits non-zero on any failure, or when no test ran. Everything it writes is under interop/out/ (gitignored).
#   UQ_SKIP_TIMING=1   skip step 6          UQ_JOBS=N   parallel build/test jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")"
interop=$(pwd)
out="$interop/out"
jobs=${UQ_JOBS:-2}
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

# ---- 1. prerequisites (apt-get only for what is missing; sudo only when not root) ------------------------------------
missing=()
for pkg in cmake gcc g++ make zlib1g-dev python3-numpy python3-scipy python3-sklearn python3-pytest; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "build_and_test.sh: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
dotnet=$(command -v dotnet) || { echo "build_and_test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
export DOTNET_ROOT=${DOTNET_ROOT:-$(dirname "$(readlink -f "$dotnet")")}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$out"

# ---- 2. managed interop (hosted delivery) + xunit tests --------------------------------------------------------------
step "dotnet build (UqKernels.Interop + tests, Release)"
dotnet build "$interop/UqKernels.Interop.Tests/UqKernels.Interop.Tests.csproj" -c Release -nologo -v q

# ---- 3. NativeAOT library (its own artifacts folder, so it never touches the regular build's obj/) -----------------
step "dotnet publish NativeAOT (linux-x64, NativeLib=Shared)"
dotnet publish "$interop/UqKernels.Interop/UqKernels.Interop.csproj" -c Release -r linux-x64 -nologo -v q \
  -p:PublishAot=true -p:NativeLib=Shared --artifacts-path "$out/aot-build"
mkdir -p "$out/aot/lib"
cp "$out/aot-build/publish/UqKernels.Interop/release_linux-x64/UqKernels.Interop.so" "$out/aot/lib/libuqkernels.so"

# ---- 4. shim, C tests, example layout (CMake) ------------------------------------------------------------------------
step "cmake configure + build"
cmake -S "$interop" -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DUQ_DOTNET_ROOT="$DOTNET_ROOT" \
  -DUQ_AOT_LIBRARY="$out/aot/lib/libuqkernels.so" -DUQ_OUT_DIR="$out" >/dev/null
cmake --build "$out/build" -j "$jobs"

# ---- 5. every test ---------------------------------------------------------------------------------------------------
step "ctest"
ctest --test-dir "$out/build" --output-on-failure --no-tests=error -j "$jobs"

# ---- 6. timings ----------------------------------------------------------------------------------------------------
if [ "${UQ_SKIP_TIMING:-0}" != 1 ]; then
  step "timing (cold start and per-call overhead)"
  {
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for variant in hosted aot; do
      # Cold start of a whole process (exec + library load + first calls), best of 3, then the in-process numbers.
      best=""
      for _ in 1 2 3; do
        t0=$(date +%s%N)
        "$out/build/uq_timing_$variant" "$variant" 1 >/dev/null
        t=$(( ($(date +%s%N) - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
      done
      echo "$variant: whole process with 1 call of each kind: ${best} ms (best of 3)"
      "$out/build/uq_timing_$variant" "$variant" 1000000
    done
  } | tee "$out/timing.txt"
fi
step "done"
