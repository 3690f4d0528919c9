#!/usr/bin/python3
"""Side-by-side benchmarks: the numpy/scipy baseline a user would pick, and `uqk bench`, in one run.

Writes bench/results/entropy.md: per workload, uqk's median time and GB/s of logits, numpy's time, the ratio, and
the fraction of the machine's read bandwidth (measured here by `uqk bench memory`, a STREAM-like multi-threaded read).
Run through `./build.sh bench` (which builds uqk first). Needs Debian's python3-numpy and python3-scipy.
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy
from scipy.special import logsumexp, log_softmax

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UQK = [os.environ.get("DOTNET", "dotnet"), os.path.join(ROOT, "bench/UqKernels.Cli/bin/Release/net10.0/uqk.dll")]


# Seconds to wait before each `uqk bench`: numpy's baselines allocate and free several 200-500 MB temporaries (transparent
# huge pages), and the kernel's clean-up after them ran into the next timing: the single-model pass measured right after
# numpy took 13.4 and 16.3 ms, after a 5 s pause 11.8 and 13.1 ms (same session, alternating).
SETTLE_SECONDS = 5


def uqk_bench(kernel, *extra, device="cpu"):
    """Runs `uqk bench KERNEL` on a settled machine; returns (seconds, GB/s) from its last line `KERNEL SECONDS GBPS`."""
    time.sleep(SETTLE_SECONDS)
    out = subprocess.run(UQK + ["bench", kernel, "--device", device, *extra], check=True, capture_output=True, text=True)
    name, seconds, gbps = out.stdout.strip().splitlines()[-1].split()
    assert name == kernel, out.stdout
    print(f"  uqk {kernel} {' '.join(extra)}: {float(seconds) * 1e3:.2f} ms, {float(gbps):.2f} GB/s", file=sys.stderr)
    return float(seconds), float(gbps)


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def numpy_single(x, y):
    """What a numpy user writes for lse, entropy, NLL, MSP and Brier of [B, C] logits."""
    logp = log_softmax(x, axis=1)
    p = np.exp(logp)
    lse = logsumexp(x, axis=1)
    entropy = -(p * logp).sum(axis=1)
    nll = -logp[np.arange(len(y)), y]
    msp = p.max(axis=1)
    onehot = np.zeros_like(p)
    onehot[np.arange(len(y)), y] = 1
    brier = ((p - onehot) ** 2).sum(axis=1)
    return lse, entropy, nll, msp, brier


def numpy_ensemble(x):
    """Total / aleatoric / epistemic of member-major [M, B, C] logits with numpy + scipy logsumexp."""
    logp = log_softmax(x, axis=2)
    log_bma = logsumexp(logp, axis=0) - np.log(x.shape[0])
    total = -(np.exp(log_bma) * log_bma).sum(axis=1)
    aleatoric = -(np.exp(logp) * logp).sum(axis=2).mean(axis=0)
    return total, aleatoric, total - aleatoric


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/results/entropy.md"))
    parser.add_argument("--skip", nargs="*", default=[], help="workloads to skip: single ensemble token")
    args = parser.parse_args()
    rng = np.random.default_rng(20261123)
    rows = []

    print("memory bandwidth", file=sys.stderr)
    _, bandwidth = uqk_bench("memory", device="cpu")

    if "single" not in args.skip:
        print("single model 50,000 x 1,000 f32", file=sys.stderr)
        x = (rng.random((50_000, 1_000), dtype=np.float32) * 12 - 6).astype(np.float32)
        y = rng.integers(0, 1_000, 50_000)
        base = median_time(lambda: numpy_single(x, y), args.repeats)
        seconds, gbps = uqk_bench("entropy", "--rows", "50000", "--classes", "1000", device=args.device)
        rows.append(("single model, all outputs", "50,000 × 1,000 f32", x.nbytes, seconds, gbps, base,
                     "numpy + scipy log_softmax/logsumexp"))
        del x

    if "ensemble" not in args.skip:
        print("ensemble 10 x 10,000 x 1,000 f32", file=sys.stderr)
        x = (rng.random((10, 10_000, 1_000), dtype=np.float32) * 12 - 6).astype(np.float32)
        base = median_time(lambda: numpy_ensemble(x), args.repeats)
        seconds, gbps = uqk_bench("ensemble", "--members", "10", "--batch", "10000", "--classes", "1000",
                                  device=args.device)
        rows.append(("ensemble total / aleatoric / epistemic (+ all other outputs)", "10 × 10,000 × 1,000 f32",
                     x.nbytes, seconds, gbps, base, "numpy + scipy logsumexp"))
        del x

    if "token" not in args.skip:
        print("token level 2,048 x 128,000 bf16", file=sys.stderr)
        seconds, gbps = uqk_bench("token", "--rows", "2048", "--vocab", "128000", device=args.device)
        # numpy has no bfloat16: its user widens to f32 first; the baseline gets the f32 array for free.
        x = (rng.random((2048, 128_000), dtype=np.float32) * 12 - 6).astype(np.float32)
        y = rng.integers(0, 128_000, 2048)
        base = median_time(lambda: numpy_single(x, y), max(1, args.repeats // 2))
        rows.append(("token NLL / entropy / MSP", "2,048 × 128,000 bf16", 2048 * 128_000 * 2, seconds, gbps, base,
                     "numpy on the same logits widened to f32"))
        del x

    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "# Entropy / NLL family: benchmark results",
        "",
        f"Measured {datetime.date.today().isoformat()} by `bench/run_benchmarks.py` (`./build.sh bench`) on "
        f"**{cpu}, {os.cpu_count()} cores**, device `{args.device}`; numpy {np.__version__}, scipy {scipy.__version__}. "
        f"Median of {args.repeats} runs after a warm-up; data already in memory.",
        "",
        f"Machine read bandwidth (`uqk bench memory`, {os.cpu_count()} threads): **{bandwidth:.1f} GB/s**.",
        "",
        "| workload | size | uqk | GB/s of logits | fraction of read bandwidth | baseline | baseline time | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, size, nbytes, seconds, gbps, base, baseline in rows:
        lines.append(f"| {name} | {size} ({nbytes / 1e6:.0f} MB) | {seconds * 1e3:.1f} ms | {gbps:.2f} | "
                     f"{gbps / bandwidth:.0%} | {baseline} | {base * 1e3:.1f} ms | {base / seconds:.1f}× |")
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
