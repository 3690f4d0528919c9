#!/usr/bin/env bash
# UqKernels set-up and entry points. Everything a fresh machine of this kind needs is installed here.
#   ./build.sh validate [uqk validate options]   build, then run `uqk validate` on the best available device
#   ./build.sh test                               install prerequisites, build, run every test
#   ./build.sh bench                              the side-by-side benchmarks (numpy/scipy baselines + uqk bench)
set -euo pipefail
cd "$(dirname "$0")"

# Installs the named Debian packages when a probe command fails (root needed; CI runs as root).
install_if_missing() {
  local probe=$1
  shift
  if ! eval "$probe" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
      echo "build.sh: missing $*; install them with apt-get (root needed)" >&2
    fi
  fi
}

command=${1:-test}
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
case "$command" in
  test)
    # clang-14 checks the generated OpenCL C (a fresh machine of this kind ships it); tests need no Python.
    install_if_missing "command -v clang-14" clang-14
    dotnet build UqKernels.sln -c Release
    log=$(mktemp)
    status=0
    dotnet test UqKernels.sln -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
    # The managed suite again with 512-bit vectors off, where the machine has them: the 256-bit SIMD paths (and their
    # fallbacks without AVX-512VL, e.g. the exponent-bits 2^n) are otherwise never run on an AVX-512 machine.
    if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
      echo "== the managed suite at 256 bits (DOTNET_EnableAVX512=0)"
      DOTNET_EnableAVX512=0 dotnet test tests/UqKernels.Tests -c Release --no-build --logger "console;verbosity=normal" "$@" \
        2>&1 | tee -a "$log" || status=1
    fi
    # The plain closing line CI reads: counts taken from the runner's own summary.
    # awk, not grep: a grep that matches nothing exits 1 and would stop this script (set -e, pipefail).
    # The C ABI: hosted shim + NativeAOT library, C / Python / example-client suites under CTest (its own installs).
    UQ_SKIP_TIMING=1 interop/build_and_test.sh 2>&1 | tee -a "$log" || status=1
    passed=$(awk '/^[[:space:]]+Passed: [0-9]+/ {s += $2}
                  /tests passed, [0-9]+ tests failed out of [0-9]+/ {s += $NF - $(NF-4)} END {print s + 0}' "$log")
    failed=$(awk '/^[[:space:]]+Failed: [0-9]+/ {s += $2}
                  /tests passed, [0-9]+ tests failed out of [0-9]+/ {s += $(NF-4)} END {print s + 0}' "$log")
    rm -f "$log"
    echo "tests: ${passed} passed, ${failed} failed"
    if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
      echo "build.sh: no test ran" >&2
      status=1
    fi
    exit "$status"
    ;;
  validate)
    dotnet build bench/UqKernels.Cli -c Release
    dotnet bench/UqKernels.Cli/bin/Release/net10.0/uqk.dll validate "$@"
    ;;
  bench)
    # The numpy / scipy baselines and the reference generators use Debian's packages through /usr/bin/python3.
    install_if_missing '/usr/bin/python3 -c "import numpy, scipy, sklearn, mpmath"' \
      python3-numpy python3-scipy python3-sklearn python3-mpmath
    dotnet build bench/UqKernels.Cli -c Release
    /usr/bin/python3 bench/run_benchmarks.py "$@"
    /usr/bin/python3 bench/run_vmf_benchmarks.py
    /usr/bin/python3 bench/run_ranking_benchmarks.py
    ;;
  *)
    echo "usage: ./build.sh test | validate [--device D] | bench" >&2
    exit 2
    ;;
esac
