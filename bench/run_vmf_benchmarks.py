#!/usr/bin/python3
"""vMF log-normalizer + mean resultant length: scipy's `ive` formula and `uqk` side by side, in one run.

For 10^6 κ log-uniform in [1e-3, 1e4] and d ∈ {16, 512, 4096}: the time of scipy's formula for log C_d(κ) and A_d(κ)
together, its fraction of non-finite results, and `uqk bench vmf` (f64, the same sizes) with the non-finite count of
`uqk eval vmf` on the very same κ. Writes bench/results/vmf.md. Run through `./build.sh bench`.
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
from scipy.special import ive

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UQK = [os.environ.get("DOTNET", "dotnet"), os.path.join(ROOT, "bench/UqKernels.Cli/bin/Release/net10.0/uqk.dll")]


def scipy_vmf(kappa, d):
    """The route the research repos take: log C = ν log κ − (d/2) log 2π − log ive(ν, κ) − κ, A = ive(d/2)/ive(d/2−1)."""
    nu = d / 2 - 1
    log_c = nu * np.log(kappa) - (d / 2) * np.log(2 * np.pi) - np.log(ive(nu, kappa)) - kappa
    a = ive(d / 2, kappa) / ive(nu, kappa)
    return log_c, a


def numpy_wood_sample(mu, kappa, samples, rng):
    """A vectorised NumPy Wood (1994) sampler, what a user without a library writes: the stable b, rejection rounds over
    all pending draws at once, tangent directions by projecting Gaussians. f32 output like `uqk bench vmf-sample`."""
    n, d = mu.shape
    k = np.repeat(kappa, samples)
    m = d - 1
    b = m / (np.sqrt(4 * k * k + m * m) + 2 * k)
    x0 = (1 - b) / (1 + b)
    c = k * x0 + m * np.log(1 - x0 * x0)
    w = np.empty_like(k)
    pending = np.arange(k.size)
    while pending.size:
        z = rng.beta(m / 2, m / 2, pending.size)
        cand = (1 - (1 + b[pending]) * z) / (1 - (1 - b[pending]) * z)
        accept = k[pending] * cand + m * np.log(1 - x0[pending] * cand) - c[pending] >= np.log(rng.random(pending.size))
        w[pending[accept]] = cand[accept]
        pending = pending[~accept]
    mus = np.repeat(mu, samples, axis=0)
    g = rng.standard_normal((k.size, d)).astype(np.float32)
    g -= np.sum(g * mus, axis=1, keepdims=True) * mus
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    return (w[:, None] * mus + np.sqrt(np.maximum(0, 1 - w * w))[:, None] * g).astype(np.float32)


def sampling_rows(device, repeats):
    """`uqk bench vmf-sample` (4,096 directions x 16 samples, kappa log-uniform in [1, 1e3], f32) and the NumPy sampler."""
    rows = []
    rng = np.random.default_rng(20261126)
    for d in (128, 512):
        mu = rng.standard_normal((4096, d))
        mu /= np.linalg.norm(mu, axis=1, keepdims=True)
        kappa = 10.0 ** rng.uniform(0, 3, 4096)
        base = median_time(lambda: numpy_wood_sample(mu.astype(np.float32), kappa, 16, rng), repeats)
        out = subprocess.run(UQK + ["bench", "vmf-sample", "--device", device, "--dim", str(d), "--repeats", str(repeats)],
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        _, seconds, msamples = out.split()
        rows.append((d, float(seconds), float(msamples), base))
        print(f"  sampling d = {d}: uqk {float(seconds) * 1e3:.1f} ms, numpy {base * 1e3:.1f} ms", file=sys.stderr)
    return rows


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/results/vmf.md"))
    args = parser.parse_args()
    rng = np.random.default_rng(20261123)
    kappa = 10.0 ** rng.uniform(-3, 4, 1_000_000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        kappa_path = os.path.join(tmp, "kappa.npy")
        np.save(kappa_path, kappa)
        with np.errstate(all="ignore"):
            for d in (16, 512, 4096):
                print(f"d = {d}", file=sys.stderr)
                base = median_time(lambda: scipy_vmf(kappa, d), args.repeats)
                log_c, a = scipy_vmf(kappa, d)
                scipy_bad = np.mean(~(np.isfinite(log_c) & np.isfinite(a)))
                out = subprocess.run(UQK + ["bench", "vmf", "--device", args.device, "--dim", str(d), "--dtype", "f64",
                                            "--repeats", str(args.repeats)],
                                     check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
                _, seconds, mevals = out.split()
                out_dir = os.path.join(tmp, f"d{d}")
                subprocess.run(UQK + ["eval", "vmf", "--device", args.device, "--out", out_dir, "--kappa", kappa_path,
                                      "--dim", str(d)], check=True, capture_output=True)
                ours_c, ours_a = np.load(os.path.join(out_dir, "log_c.npy")), np.load(os.path.join(out_dir, "a.npy"))
                ours_bad = np.mean(~(np.isfinite(ours_c) & np.isfinite(ours_a)))
                rows.append((d, float(seconds), float(mevals), base, scipy_bad, ours_bad))
                print(f"  uqk {float(seconds) * 1e3:.1f} ms, scipy {base * 1e3:.1f} ms, non-finite scipy {scipy_bad:.1%} "
                      f"uqk {ours_bad:.1%}", file=sys.stderr)
    sampling = sampling_rows(args.device, args.repeats)
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "# vMF log-normalizer and mean resultant length: benchmark results",
        "",
        f"Measured {datetime.date.today().isoformat()} by `bench/run_vmf_benchmarks.py` (`./build.sh bench`) on **{cpu}, "
        f"{os.cpu_count()} cores**, device `{args.device}`, f64; scipy {scipy.__version__}. 10⁶ κ log-uniform in "
        f"[1e−3, 1e4]; log C and A computed together; median of {args.repeats} runs after a warm-up.",
        "",
        "| d | uqk | M evals/s | scipy `ive` formula | speed-up | scipy non-finite | uqk non-finite |",
        "|---|---|---|---|---|---|---|",
    ]
    for d, seconds, mevals, base, scipy_bad, ours_bad in rows:
        lines.append(f"| {d} | {seconds * 1e3:.1f} ms | {mevals:.2f} | {base * 1e3:.1f} ms | {base / seconds:.1f}× | "
                     f"{scipy_bad:.1%} | {ours_bad:.1%} |")
    lines += [
        "",
        "Sampling (`uqk bench vmf-sample`: 4,096 directions × 16 samples, κ log-uniform in [1, 1e3], f32, exact Wood "
        "sampler with Philox counters) against a vectorised NumPy Wood sampler (`numpy_wood_sample` in the script):",
        "",
        "| d | uqk | M samples/s | NumPy | speed-up |",
        "|---|---|---|---|---|",
    ]
    for d, seconds, msamples, base in sampling:
        lines.append(f"| {d} | {seconds * 1e3:.1f} ms | {msamples:.3f} | {base * 1e3:.1f} ms | {base / seconds:.1f}× |")
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
