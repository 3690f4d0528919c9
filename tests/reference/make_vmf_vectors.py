#!/usr/bin/python3
"""mpmath reference vectors for the von Mises-Fisher scalar core (log C_d, A_d, A'_d, entropy, KL, ELK).

Spec: /work/shared/specs/vmf_mcinfonce.md sections 1 (definitions), 3 (algorithm) and 7 (ground truth).

Run with the Debian interpreter (mpmath 1.2.1, numpy 1.24.2):

    /usr/bin/python3 tests/reference/make_vmf_vectors.py [--jobs N]

Writes tests/data/vmf/{scalar_*.npy, pair_*.npy, manifest.json} (README.md documents them).
Deterministic: the grids are fixed lists plus np.random.default_rng(20260517) draws, consumed in a fixed order;
the worker count does not change the output.

Every input (d, kappa, kappa1, kappa2, one_minus_cos, rho) is exactly representable in float32, so one reference
serves the f32 and the f64 compute paths (rounding kappa itself to f32 would otherwise dominate the f32 error).
All references are evaluated at 60 significant digits from the exact stored input values, with one of three
independent methods per point (recorded in scalar_method.npy):

  1 series    kappa^2/4 <= 2500 or <= 50 (nu + 1): the positive 0F1 series (no cancellation)
                S0 = 0F1(; nu+1; q), S1 = 0F1(; nu+2; q), DeltaL = -log S0, A = (kappa/d) S1/S0,
                A' = [R + 2R (D1/S1 - D0/S0)]/d with R = S1/S0, D = sum j t_j   (q = kappa^2/4)
  2 besseli   mpmath.besseli(nu, kappa), besseli(nu+1, kappa) at 60 digits, accepted only when a repeat at
                75 digits agrees to 1e-45 relative; A' = 1 - A^2 - (d-1) A/kappa (cancels at most ~13 digits)
  3 integral  the marginal of w = mu.x written in theta (w = cos theta), split around its mode,
                logCe = -log|S^{d-2}| - log int_0^pi exp(kappa (cos t - 1)) sin^{d-2} t dt,
                1 - A = E[1 - w], A' = Var(w) computed two-pass as E[(u - E u)^2], u = 1 - w = 2 sin^2(t/2)
                (used where besseli raises NoConvergence: large d with large kappa)
  0 exact     kappa = 0: DeltaL = 0, A = 0, A' = 1/d.

The three methods are cross-checked against each other on overlap points (the script asserts agreement to
1e-40 and prints the worst disagreement), which is what makes the data an independent ground truth.
"""

import json
import os
import sys
from multiprocessing import Pool

import mpmath as mp
import numpy as np

SEED = 20260517
DPS = 60
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "vmf"))

# Branch switches of the scalar core (kernels/UqKernels.Kernels/Vmf/VmfMath.cs): the series is used when
# r = sqrt(nu^2 + kappa^2) < R0 or kappa^2 <= d. R0 = 30 (f64) and 12 (f32).
R0_F64 = 30.0
R0_F32 = 12.0

DIMS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17, 31, 32, 33, 60, 61, 62, 63, 64, 65, 100, 127, 128, 129,
        255, 256, 512, 513, 1000, 1024, 2047, 2048, 4096, 4097, 8192, 16384, 32767, 65535, 65536]
KAPPA_GRID = [0.0, 1e-30, 1e-20, 1e-12, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0,
              7.0, 10.0, 15.0, 20.0, 25.0, 29.0, 30.0, 31.0, 40.0, 50.0, 70.0, 100.0, 150.0, 200.0, 300.0, 500.0,
              700.0, 1e3, 2e3, 3e3, 5e3, 1e4, 2e4, 3e4, 5e4, 1e5, 2e5, 5e5, 1e6]
N_RANDOM_PER_D = 12


def f32(x):
    return float(np.float32(x))


# ----------------------------------------------------------------------------------------------
# mpmath evaluation of one (d, kappa)
# ----------------------------------------------------------------------------------------------

def log_c0(d):
    """log C_d(0) = -log|S^{d-1}| = lgamma(d/2) - log 2 - (d/2) log pi."""
    d = mp.mpf(d)
    return mp.loggamma(d / 2) - mp.log(2) - d / 2 * mp.log(mp.pi)


def by_series(d, k):
    nu = mp.mpf(d) / 2 - 1
    q = k * k / 4
    eps = mp.mpf(10) ** (-(DPS + 8))
    t = mp.mpf(1)
    s = mp.mpf(1)
    s0, s1, d0, d1 = mp.mpf(1), mp.mpf(1), mp.mpf(0), mp.mpf(0)
    j = 0
    while True:
        j += 1
        t *= q / (j * (nu + j))
        s *= q / (j * (nu + 1 + j))
        s0 += t
        s1 += s
        d0 += j * t
        d1 += j * s
        if j * j > q and t < eps * s0 and s < eps * s1:
            break
        assert j < 100000
    dl = -mp.log(s0)
    r = s1 / s0
    a = k / d * r
    ap = (r + 2 * r * (d1 / s1 - d0 / s0)) / d
    return dl + log_c0(d) + k, a, 1 - a, ap


def by_besseli(d, k):
    nu = mp.mpf(d) / 2 - 1
    i0 = mp.besseli(nu, k)
    i1 = mp.besseli(nu + 1, k)
    a = i1 / i0
    log_c = nu * mp.log(k) - mp.mpf(d) / 2 * mp.log(2 * mp.pi) - mp.log(i0)
    ap = 1 - a * a - (d - 1) * a / k
    return log_c + k, a, 1 - a, ap


def by_integral(d, k):
    dd = mp.mpf(d)
    m = dd - 2
    if k == 0:
        c = mp.mpf(0)
    else:
        c = (-m + mp.sqrt(m * m + 4 * k * k)) / (2 * k)
    th = mp.acos(c) if c < 1 else mp.mpf(0)
    h2 = k * mp.cos(th) + (m / mp.sin(th) ** 2 if m > 0 else 0)
    sig = 1 / mp.sqrt(h2) if h2 > 0 else mp.pi

    def h(t):
        return -2 * k * mp.sin(t / 2) ** 2 + (m * mp.log(mp.sin(t)) if m > 0 else 0)

    h0 = h(th) if (th > 0 or m == 0) else mp.mpf(0)
    pts = {mp.mpf(0), +mp.pi}
    for j in (0, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64):
        for sgn in (1, -1):
            p = th + sgn * j * sig
            if 0 < p < mp.pi:
                pts.add(p)
    pts = sorted(pts)

    def g(t):
        return mp.exp(h(t) - h0)

    def u(t):
        return 2 * mp.sin(t / 2) ** 2

    z = mp.quad(g, pts)
    m1 = mp.quad(lambda t: u(t) * g(t), pts) / z
    var = mp.quad(lambda t: (u(t) - m1) ** 2 * g(t), pts) / z
    log_s = mp.log(2) + (dd - 1) / 2 * mp.log(mp.pi) - mp.loggamma((dd - 1) / 2)
    log_ce = -(log_s + h0 + mp.log(z))
    return log_ce, 1 - m1, m1, var


def rel(a, b):
    return abs(a - b) / max(abs(b), mp.mpf(10) ** -300)


def use_series(d, k):
    q = k * k / 4
    return q <= 2500 or q <= 50 * (mp.mpf(d) / 2)


def evaluate(d, kappa):
    """(logCe, A, 1-A, A', method) at DPS digits for exact inputs d (int) and kappa (float)."""
    with mp.workdps(DPS):
        k = mp.mpf(kappa)
        if kappa == 0.0:
            return log_c0(d), mp.mpf(0), mp.mpf(1), 1 / mp.mpf(d), 0
        if use_series(d, k):
            return (*by_series(d, k), 1)
        try:
            v = by_besseli(d, k)
            with mp.workdps(DPS + 15):
                w = by_besseli(d, k)
            if all(rel(x, y) < mp.mpf(10) ** -45 for x, y in zip(v, w)):
                return (*v, 2)
        except mp.libmp.NoConvergence:
            pass
        return (*by_integral(d, k), 3)


def scalar_row(args):
    d, kappa = args
    log_ce, a, oma, ap, method = evaluate(d, kappa)
    with mp.workdps(DPS):
        k = mp.mpf(kappa)
        c0 = log_c0(d)
        log_c = log_ce - k
        delta = log_c - c0
        kl = delta + k * a
        ent = -c0 - kl
        return [float(log_c), float(delta), float(log_ce), float(a), float(oma), float(ap), float(ent),
                float(kl), method]


def pair_row(args):
    d, k1, k2, omc, rho = args
    with mp.workdps(DPS):
        ce1, a1, oma1, ap1, _ = evaluate(d, k1)
        ce2, a2, oma2, _, _ = evaluate(d, k2)
        K1, K2, OMC, RHO = mp.mpf(k1), mp.mpf(k2), mp.mpf(omc), mp.mpf(rho)
        cos = 1 - OMC
        lc1, lc2 = ce1 - K1, ce2 - K2
        kl = lc1 - lc2 + a1 * (K1 - K2 * cos)
        dkl1 = ap1 * (K1 - K2 * cos)
        dkl2 = a2 - a1 * cos
        n2 = K1 * K1 + K2 * K2 + 2 * K1 * K2 * cos
        k3 = RHO * mp.sqrt(max(n2, mp.mpf(0)))
    # kappa3 is not an f32 value: evaluate it at the exact value (evaluate() takes any mp number via float()).
    ce3 = evaluate_exact(d, k3)
    with mp.workdps(DPS):
        elk = RHO * (lc1 + lc2) - (ce3 - k3)
        logp = ce1 - K1 * OMC
        dlogp = oma1 - OMC
    return [float(kl), float(dkl1), float(dkl2), float(elk), float(logp), float(dlogp)]


def evaluate_exact(d, k):
    """logCe at an arbitrary mp kappa (for the ELK's kappa3)."""
    with mp.workdps(DPS):
        if k == 0:
            return log_c0(d)
        if use_series(d, k):
            return by_series(d, k)[0]
        try:
            v = by_besseli(d, k)[0]
            with mp.workdps(DPS + 15):
                w = by_besseli(d, k)[0]
            if rel(v, w) < mp.mpf(10) ** -45:
                return v
        except mp.libmp.NoConvergence:
            pass
        return by_integral(d, k)[0]


# ----------------------------------------------------------------------------------------------
# cross-checks between the methods
# ----------------------------------------------------------------------------------------------

def cross_check_row(args):
    d, kappa, which = args
    with mp.workdps(DPS):
        k = mp.mpf(kappa)
        try:
            ref = by_series(d, k) if which[0] == "series" else by_besseli(d, k)
            other = by_besseli(d, k) if which[1] == "besseli" else by_integral(d, k)
        except mp.libmp.NoConvergence:
            return -1.0
        return max(float(rel(x, y)) for x, y in zip(other, ref))


CROSS = [
    # series vs besseli (both converge)
    *[(d, k, ("series", "besseli")) for d in (2, 3, 16, 128, 4096) for k in (0.5, 20.0, 90.0)],
    # series vs integral
    *[(d, k, ("series", "integral")) for d in (2, 5, 64, 65536) for k in (1e-3, 3.0, 60.0)],
    # besseli vs integral (large kappa)
    *[(d, k, ("besseli", "integral")) for d in (2, 3, 10, 512, 2048) for k in (500.0, 2e4, 1e6)],
]


# ----------------------------------------------------------------------------------------------
# grids
# ----------------------------------------------------------------------------------------------

def scalar_points(rng):
    pts = []
    for d in DIMS:
        nu = d / 2 - 1
        ks = set(KAPPA_GRID)
        ks.update([float(np.sqrt(d)), nu, 2 * nu, 0.5 * nu, nu * (1 + 1e-3), nu * (1 - 1e-3)])
        # both sides of each branch switch (f64 and f32 parameters)
        for r0 in (R0_F64, R0_F32):
            switch = max(np.sqrt(d), np.sqrt(r0 * r0 - nu * nu) if nu < r0 else 0.0)
            for f in (1 - 1e-6, 1 - 1e-3, 1 + 1e-3, 1 + 1e-6):
                ks.add(switch * f)
        ks.update(np.exp(rng.uniform(np.log(1e-6), np.log(1e6), N_RANDOM_PER_D)).tolist())
        for k in sorted(ks):
            if 0 <= k <= 1e6:
                pts.append((d, f32(k)))
    # dedupe after rounding, keep order
    seen = set()
    out = []
    for p in pts:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def pair_points(rng):
    pts = []
    dims = [2, 3, 5, 16, 128, 512, 2048, 65536]
    kap = [0.0, 1e-6, 0.1, 1.0, 7.0, 30.0, 100.0, 1e3, 3e4, 1e6]
    omcs = [0.0, 1e-12, 1e-6, 1e-2, 0.5, 1.0, 1.5, 1.99, 2.0]
    for d in dims:
        for _ in range(40):
            k1 = kap[rng.integers(len(kap))] * (1 + 0.25 * rng.random() * (rng.random() < 0.5))
            k2 = kap[rng.integers(len(kap))] * (1 + 0.25 * rng.random() * (rng.random() < 0.5))
            if rng.random() < 0.15:
                k2 = k1 * (1 + 1e-3 * rng.random())
            omc = omcs[rng.integers(len(omcs))]
            rho = 1.0 if rng.random() < 0.7 else 0.5
            pts.append((d, f32(min(k1, 1e6)), f32(min(k2, 1e6)), f32(omc), rho))
    return pts


def main():
    jobs = 2
    if "--jobs" in sys.argv:
        jobs = int(sys.argv[sys.argv.index("--jobs") + 1])
    rng = np.random.default_rng(SEED)
    scalars = scalar_points(rng)
    pairs = pair_points(rng)
    print(f"{len(scalars)} scalar points, {len(pairs)} pairs, {len(CROSS)} cross-checks, {jobs} workers", flush=True)
    with Pool(jobs) as pool:
        cross = pool.map(cross_check_row, CROSS, chunksize=1)
        worst = max(cross)
        print(f"cross-check worst relative disagreement between methods: {worst:.3e} "
              f"({sum(c >= 0 for c in cross)} of {len(cross)} pairs converged)", flush=True)
        assert worst < 1e-40, worst
        srows = pool.map(scalar_row, scalars, chunksize=8)
        prows = pool.map(pair_row, pairs, chunksize=4)

    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))
    S = np.array(srows, dtype=np.float64)
    names = ["log_c", "delta_log_c", "log_ce", "a", "one_minus_a", "a_prime", "entropy", "kl_uniform"]
    save = lambda name, arr: np.save(os.path.join(OUT, name + ".npy"),
                                     np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))),
                                     allow_pickle=False)
    save("scalar_d", np.array([p[0] for p in scalars], dtype=np.int32))
    save("scalar_kappa", np.array([p[1] for p in scalars], dtype=np.float64))
    for i, n in enumerate(names):
        save("scalar_" + n, S[:, i] + 0.0)
    save("scalar_method", S[:, 8].astype(np.int32))
    P = np.array(prows, dtype=np.float64)
    save("pair_d", np.array([p[0] for p in pairs], dtype=np.int32))
    save("pair_kappa1", np.array([p[1] for p in pairs], dtype=np.float64))
    save("pair_kappa2", np.array([p[2] for p in pairs], dtype=np.float64))
    save("pair_one_minus_cos", np.array([p[3] for p in pairs], dtype=np.float64))
    save("pair_rho", np.array([p[4] for p in pairs], dtype=np.float64))
    for i, n in enumerate(["kl", "dkl_dkappa1", "dkl_dkappa2", "elk", "log_density", "dlog_density_dkappa"]):
        save("pair_" + n, P[:, i] + 0.0)
    assert np.isfinite(S).all() and np.isfinite(P).all()
    methods = {int(m): int((S[:, 8] == m).sum()) for m in np.unique(S[:, 8])}
    manifest = {
        "generator": "tests/reference/make_vmf_vectors.py",
        "mpmath": mp.__version__, "numpy": np.__version__, "dps": DPS, "seed": SEED,
        "scalar_points": len(scalars), "pair_points": len(pairs),
        "methods": {"0_exact": methods.get(0, 0), "1_series": methods.get(1, 0),
                    "2_besseli": methods.get(2, 0), "3_integral": methods.get(3, 0)},
        "cross_check_worst_relative": worst,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README.format(n_scalar=len(scalars), n_pair=len(pairs), dps=DPS, seed=SEED, worst=worst,
                              m0=methods.get(0, 0), m1=methods.get(1, 0), m2=methods.get(2, 0), m3=methods.get(3, 0),
                              mpmath=mp.__version__, numpy=np.__version__))
    print(json.dumps(manifest, indent=1, sort_keys=True))


README = """# von Mises-Fisher reference vectors

Generated by `tests/reference/make_vmf_vectors.py`; run it with `/usr/bin/python3` (Debian mpmath {mpmath},
numpy {numpy}). It is deterministic (fixed grids plus `np.random.default_rng({seed})`), takes a few minutes on 2 cores,
and regenerating deletes and rewrites the `.npy` files here. Do not edit the files by hand. Spec:
`shared/specs/vmf_mcinfonce.md` sections 1, 3 and 7. Used by `tests/UqKernels.Tests/Vmf/VmfMathTests.cs`.

All arrays are little-endian C-order `.npy` (no pickles); outputs are float64, `d` and `method` int32. Every input
(d, kappa, kappa1, kappa2, one_minus_cos, rho) is exactly representable in float32, so the same reference checks the
f32 and the f64 compute paths. References are the exact values at the stored inputs, evaluated at {dps} digits
and rounded once to float64.

## Scalars ({n_scalar} points): `scalar_*.npy`

Inputs `scalar_d` [N] (2 ... 65536, odd and even, both sides of nu = 30 and nu = 12), `scalar_kappa` [N] (0, 1e-30 ...
1e6: a fixed log grid, sqrt(d), nu/2, nu, 2 nu, nu(1 +- 1e-3), both sides (1 +- 1e-6, 1 +- 1e-3) of the series/Debye
switches max(sqrt d, sqrt(R0^2 - nu^2)) for R0 = 30 (f64) and 12 (f32), and 12 log-uniform random kappa per d).

| file | quantity |
|---|---|
| `scalar_log_c` | log C_d(kappa), C_d = kappa^nu / ((2 pi)^(d/2) I_nu(kappa)), nu = d/2 - 1 |
| `scalar_delta_log_c` | DeltaL = log C_d(kappa) - log C_d(0) = -log 0F1(; d/2; kappa^2/4) |
| `scalar_log_ce` | logCe = log C_d(kappa) + kappa |
| `scalar_a` | A = I_(d/2)(kappa) / I_(d/2-1)(kappa) |
| `scalar_one_minus_a` | 1 - A |
| `scalar_a_prime` | A' = dA/dkappa = Var(mu.x) |
| `scalar_entropy` | H = -log C_d(kappa) - kappa A |
| `scalar_kl_uniform` | KL(vMF || uniform) = DeltaL + kappa A |
| `scalar_method` | how the point was evaluated: 0 exact (kappa = 0), 1 series, 2 besseli, 3 integral |

Method counts: exact {m0}, series {m1}, besseli {m2}, integral {m3}. The three methods are independent:
the positive 0F1 series (kappa^2/4 <= 2500 or <= 50 (nu + 1)); `mpmath.besseli` at 60 digits, accepted only when a
75-digit repeat agrees to 1e-45; otherwise (large d with large kappa, where besseli raises NoConvergence) the
marginal of w = mu.x integrated in theta with `mp.quad` split around its mode, with 1 - A = E[1 - w] and
A' = Var(w) taken two-pass. On 42 overlap points they agree to {worst:.1e} (relative).

## Pairs ({n_pair} cases): `pair_*.npy`

Inputs `pair_d`, `pair_kappa1`, `pair_kappa2`, `pair_one_minus_cos` (1 - mu1.mu2 in [0, 2]), `pair_rho`
(0.5 or 1). Outputs:

| file | quantity |
|---|---|
| `pair_kl` | KL(vMF(mu1, kappa1) || vMF(mu2, kappa2)) = log C(k1) - log C(k2) + A(k1)(k1 - k2 cos) |
| `pair_dkl_dkappa1` | A'(k1)(k1 - k2 cos) |
| `pair_dkl_dkappa2` | A(k2) - A(k1) cos |
| `pair_elk` | rho (log C(k1) + log C(k2)) - log C(k3), k3 = rho ||k1 mu1 + k2 mu2|| = rho sqrt(k1^2 + k2^2 + 2 k1 k2 cos) |
| `pair_log_density` | log p(x) of vMF(mu1, kappa1) at a point with 1 - mu1.x = one_minus_cos: logCe(k1) - k1 (1 - cos) |
| `pair_dlog_density_dkappa` | d log p / d kappa1 = (1 - A(k1)) - (1 - cos) |

`manifest.json` records the versions, the method counts and the cross-check.
"""


if __name__ == "__main__":
    main()
