#!/usr/bin/python3
"""Float64 reference vectors for the UqKernels entropy / NLL / calibration family.

Spec: /work/shared/specs/uq_metrics.md, sections 1.1-1.8 (definitions), 3 (harness rules,
reference functions) and 4 (invariants).

Run with the Debian interpreter (it has numpy / scipy / sklearn / mpmath):

    /usr/bin/python3 tests/reference/make_entropy_vectors.py

Writes tests/data/eval/<family>/<case>/{*.npy, meta.json} and tests/data/eval/manifest.json.
Deterministic: one generator, np.random.default_rng(20261123), consumed in a fixed order.
Every reference is computed in float64 from the EXACT stored input values
(f32 -> f64 cast; f16 stored as numpy float16 (<f2); bf16 stored as raw uint16 bits,
value = float32 with those bits in the top half and zero low half).
"""

import json
import math
import os
import shutil
import sys

import numpy as np
import scipy
import scipy.special as sps
import scipy.stats as sst
import sklearn
import sklearn.calibration
import mpmath

SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "eval"))
FAMILIES = ("single", "soft", "ensemble", "token", "semantic", "ece")

RNG = np.random.default_rng(SEED)
MANIFEST = []
F64 = np.float64
INF = np.inf
NAN = np.nan


# ----------------------------------------------------------------------------------------------
# dtype helpers
# ----------------------------------------------------------------------------------------------

def to_bf16_bits(a32):
    """float32 array -> uint16 bf16 bit patterns (round to nearest even; inf/-inf/NaN kept)."""
    a32 = np.ascontiguousarray(a32, dtype=np.float32)
    u = a32.view(np.uint32).astype(np.uint64)
    nan = np.isnan(a32)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    out = rounded.astype(np.uint16)
    out[nan] = 0x7FC0
    return out


def bf16_bits_to_f64(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32).astype(F64)




def encode(values64, dtype):
    """Round float64 'intended' values into the stored dtype. Returns (stored array, exact f64 values)."""
    if dtype == "f32":
        s = np.asarray(values64, dtype=np.float32)
        return s, s.astype(F64)
    if dtype == "f64":
        s = np.asarray(values64, dtype=F64)
        return s, s.copy()
    if dtype == "f16":
        # Stored as NumPy's native float16 ('<f2'), so `uqk eval` and any NumPy user read it as f16; '<u2' is
        # reserved for bfloat16 bit patterns (NumPy has no bfloat16 dtype).
        h = np.asarray(values64, dtype=np.float16)
        return h, h.astype(F64)
    if dtype == "bf16":
        bits = to_bf16_bits(np.asarray(values64, dtype=np.float32))
        return bits, bf16_bits_to_f64(bits)
    raise ValueError(dtype)


# ----------------------------------------------------------------------------------------------
# output helpers
# ----------------------------------------------------------------------------------------------

INPUT_NAMES = {"logits", "labels", "targets", "offsets", "loglik", "cluster_ids", "confidence", "correct"}


def save_case(family, case, arrays, meta):
    d = os.path.join(OUT, family, case)
    os.makedirs(d, exist_ok=True)
    for name, arr in arrays.items():
        arr = np.asarray(arr)
        if arr.dtype.kind == "f":
            assert arr.dtype in (np.float16, np.float32, np.float64), (name, arr.dtype)
            if name not in INPUT_NAMES:
                assert arr.dtype == np.float64, (name, arr.dtype)
                arr = arr + 0.0                     # expected outputs: canonicalise -0.0 to +0.0
        arr = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<")))
        np.save(os.path.join(d, name + ".npy"), arr, allow_pickle=False)
    meta = dict(meta)
    meta["generator"] = {
        "script": "tests/reference/make_entropy_vectors.py",
        "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__,
    }
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")
    MANIFEST.append({"family": family, "case": case, "path": f"{family}/{case}",
                     "files": sorted(n + ".npy" for n in arrays)})


def close(a, b, tol, what):
    a = np.asarray(a, dtype=F64)
    b = np.asarray(b, dtype=F64)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    same_nan = np.isnan(a) == np.isnan(b)
    assert same_nan.all(), (what, a, b)
    fin = np.isfinite(a) & np.isfinite(b)
    inf = ~fin & ~np.isnan(a)
    assert (a[inf] == b[inf]).all(), (what, "inf mismatch")
    err = np.abs(a[fin] - b[fin]) / (1.0 + np.abs(b[fin]))
    assert err.size == 0 or err.max() <= tol, (what, err.max())


def expect(v, ref, tol, what):
    assert abs(float(v) - ref) <= tol, (what, float(v), ref)


# ----------------------------------------------------------------------------------------------
# 1. single model, per row
# ----------------------------------------------------------------------------------------------

SINGLE_OUT = ("lse", "entropy", "msp", "prob_margin", "logit_margin", "nll", "brier", "top1", "topk",
              "label_smoothed_ce")


def single_row(x, y, ignore_index, k, eps):
    """x: float64 row already divided by T. Returns dict of python floats + argmax."""
    C = x.size
    r = {n: NAN for n in SINGLE_OUT}
    r["argmax"] = -1
    if C == 0 or np.isnan(x).any() or (x == INF).any() or (x == -INF).all():
        return r
    m = x.max()
    u = x - m                                           # exact for f32/f16/bf16-valued x; -inf stays -inf
    ls = math.log(np.sum(np.exp(u)))                    # exp(-inf) = 0
    lse = m + ls
    logp = u - ls
    p = np.exp(logp)
    pos = p > 0
    H = -np.sum(p[pos] * logp[pos])
    amax = int(np.argmax(x))                            # lowest index of the max
    xs = np.sort(x)[::-1]
    x1 = xs[0]
    x2 = xs[1] if C > 1 else -INF
    r.update(lse=lse, entropy=H, msp=math.exp(-ls), argmax=amax)
    r["logit_margin"] = x1 - x2                         # +inf when x2 = -inf (incl. C = 1)
    r["prob_margin"] = -math.expm1(x2 - x1) * math.exp(-ls)
    if y == ignore_index:
        return r
    assert 0 <= y < C, (y, C)
    nll = -logp[y]
    onehot = np.zeros(C)
    onehot[y] = 1.0
    r["nll"] = nll
    r["brier"] = np.sum((p - onehot) ** 2)
    r["top1"] = 1.0 if amax == y else 0.0
    cnt = int(np.sum(x > x[y]) + np.sum(x[:y] == x[y]))
    r["topk"] = 1.0 if cnt < k else 0.0
    if eps == 0.0:
        r["label_smoothed_ce"] = nll
    else:
        with np.errstate(invalid="ignore"):
            r["label_smoothed_ce"] = (1.0 - eps) * nll + eps * (lse - np.mean(x))
    return r


def single_ref(x64, labels, T=1.0, ignore_index=-100, k=5, eps=0.0):
    xs = x64 / T
    B = xs.shape[0]
    out = {n: np.empty(B) for n in SINGLE_OUT}
    out["argmax"] = np.empty(B, dtype=np.int32)
    for b in range(B):
        r = single_row(xs[b], int(labels[b]), ignore_index, k, eps)
        for n in out:
            out[n][b] = r[n]
    crosscheck_single(xs, labels, ignore_index, k, out)
    return out


def crosscheck_single(xs, labels, ignore_index, k, out):
    """Library cross-checks (spec section 3) on the valid rows."""
    C = xs.shape[1]
    for b in range(xs.shape[0]):
        x = xs[b]
        if np.isnan(out["lse"][b]):
            continue
        y = int(labels[b])
        lse = sps.logsumexp(x)
        ls = sps.log_softmax(x)
        p = sps.softmax(x)
        close(out["lse"][b], lse, 1e-14, "lse vs scipy")
        close(out["entropy"][b], sst.entropy(p), 1e-13, "entropy vs scipy.stats.entropy")
        close(out["entropy"][b], sps.entr(p).sum(), 1e-13, "entropy vs entr")
        close(out["msp"][b], p.max(), 1e-14, "msp")
        srt = np.sort(p)[::-1]
        close(out["prob_margin"][b], srt[0] - (srt[1] if C > 1 else 0.0), 1e-14, "prob margin")
        assert -1e-12 <= out["entropy"][b] <= math.log(C) + 1e-12
        assert out["argmax"][b] == np.argmax(x)
        if y == ignore_index:
            assert np.isnan(out["nll"][b])
            continue
        close(out["nll"][b], -ls[y], 1e-14, "nll vs log_softmax")
        close(out["brier"][b], 1 - 2 * p[y] + np.sum(p * p), 1e-14, "brier identity")
        order = np.argsort(-x, kind="stable")
        rank = int(np.nonzero(order == y)[0][0])
        assert out["topk"][b] == (1.0 if rank < k else 0.0)
        assert out["top1"][b] == (1.0 if rank == 0 else 0.0)
        assert out["nll"][b] >= -math.log(out["msp"][b]) - 1e-14


def mp_check_rows(xs, out, rows):
    """High-precision (mpmath, 40 digits) spot check of lse / entropy / nll on selected rows."""
    mpmath.mp.dps = 40
    for b in rows:
        x = [mpmath.mpf(float(v)) for v in xs[b]]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x))
        H = -mpmath.fsum(mpmath.exp(v - lse) * (v - lse) for v in x)
        close(out["lse"][b], float(lse), 1e-15, "mp lse")
        assert abs(out["entropy"][b] - float(H)) <= 1e-15 * (1 + float(H)), ("mp entropy", b)


def gen_labels(B, C, ignore_rows=(), ignore_index=-100):
    y = RNG.integers(0, C, size=B).astype(np.int32)
    for r in ignore_rows:
        y[r] = ignore_index
    return y


def single_case(case, x_intended, labels, dtype="f32", T=1.0, ignore_index=-100, top_k=5, eps=0.0,
                note=None, mp_rows=()):
    stored, x64 = encode(x_intended, dtype)
    labels = np.asarray(labels, dtype=np.int32)
    out = single_ref(x64, labels, T, ignore_index, top_k, eps)
    if mp_rows:
        mp_check_rows(x64 / T, out, mp_rows)
    arrays = {"logits": stored, "labels": labels}
    arrays.update(out)
    meta = {"dtype": dtype, "temperature": T, "ignore_index": ignore_index, "top_k": top_k,
            "label_smoothing": eps, "B": int(x64.shape[0]), "C": int(x64.shape[1])}
    if note:
        meta["note"] = note
    save_case("single", case, arrays, meta)
    return out, x64


def gen_single():
    # worked example (spec 1.4): x = [1,2,3], rows for y = 0 and y = 2
    out, _ = single_case("worked_example", [[1, 2, 3], [1, 2, 3]], [0, 2],
                         note="spec 1.4 worked example")
    for b in (0, 1):
        expect(out["lse"][b], 3.407605964, 1e-9, "ex lse")
        expect(out["entropy"][b], 0.832395582, 1e-9, "ex H")
        expect(out["msp"][b], 0.665240956, 1e-9, "ex MSP")
        expect(out["prob_margin"][b], 0.420512485, 1e-9, "ex prob margin")
        expect(out["logit_margin"][b], 1.0, 0, "ex logit margin")
    expect(out["nll"][0], 2.407605964, 1e-9, "ex NLL(y=0)")
    expect(out["brier"][1], 0.180061146, 1e-9, "ex Brier(y=2)")
    # invariant 8: sum_y exp(-NLL(x,y)) = 1
    tot = sum(math.exp(-single_row(np.array([1.0, 2, 3]), y, -100, 5, 0.0)["nll"]) for y in range(3))
    expect(tot, 1.0, 1e-15, "sum exp(-nll)")

    # random f32 at ragged shapes
    for (B, C, scale) in [(7, 3, 2.0), (33, 17, 3.0), (5, 1000, 4.0), (3, 1031, 2.5), (2, 4099, 3.0)]:
        x = RNG.standard_normal((B, C)) * scale
        out, x64 = single_case(f"rand_f32_{B}x{C}", x, gen_labels(B, C), mp_rows=(0, B - 1))

    # f64
    B, C = 9, 23
    x = RNG.standard_normal((B, C)) * 4.0
    single_case("f64_9x23", x, gen_labels(B, C), dtype="f64", mp_rows=(0,))

    # f16 (raw uint16 bits); includes a -inf entry and a subnormal
    B, C = 6, 37
    x = RNG.standard_normal((B, C)) * 4.0
    x[2, 5] = -INF
    x[3, 7] = 3e-6  # f16 subnormal
    out, x64 = single_case("f16_6x37", x, gen_labels(B, C), dtype="f16",
                           note="logits.npy holds IEEE binary16 (numpy float16, <f2)")
    assert x64[3, 7] != 0 and abs(x64[3, 7]) < 6.1e-5

    # bf16 (raw uint16 bits = top half of a float32); includes -inf and a large value
    B, C = 6, 129
    x = RNG.standard_normal((B, C)) * 4.0
    x[1, 0] = -INF
    x[4, 100] = 1000.0 + 0.3
    single_case("bf16_6x129", x, gen_labels(B, C), dtype="bf16",
                note="logits.npy holds raw bf16 bits (uint16); value = float32 from bits << 16")

    # large magnitude: scale 50-100, +1000 / -1000 shifts
    B, C = 8, 50
    scales = np.array([50, 100, 50, 100, 75, 100, 60, 90], dtype=F64)[:, None]
    shifts = np.array([0, 0, 1000, 1000, -1000, 1000, 0, 0], dtype=F64)[:, None]
    x = RNG.standard_normal((B, C)) * scales + shifts
    single_case("large_magnitude", x, gen_labels(B, C), mp_rows=range(B),
                note="scale 50-100 with +-1000 shifts; naive exp overflows in f32")

    # rows with -inf entries
    B, C = 6, 12
    x = RNG.standard_normal((B, C)) * 3.0
    x[0, [1, 4, 7]] = -INF
    x[1, :] = -INF
    x[1, 5] = 2.5                                     # single finite entry
    x[2, :11] = -INF
    x[2, 11] = -3.0                                   # single finite entry, last position
    x[3, ::2] = -INF
    x[4, 0] = -INF
    x[5, 6] = -INF
    y = gen_labels(B, C)
    y[0] = 4                                          # label on a -inf entry -> nll = +inf
    y[1] = 5
    y[2] = 11
    y[3] = 3
    y[4] = 0                                          # label on a -inf entry
    out, _ = single_case("neg_inf_entries", x, y,
                         note="-inf entries have probability 0; label on a -inf entry gives nll=+inf")
    assert out["nll"][0] == INF and out["nll"][1] == 0 and out["entropy"][1] == 0
    assert out["logit_margin"][1] == INF and out["prob_margin"][1] == 1.0

    # special rows: one-hot-ish, all-equal
    C = 6
    x = np.array([
        [30, 0, 0, 0, 0, 0],
        [0, 0, 0, 100, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [7.25] * 6,
        [-3.5] * 6,
        [0, 0, 0, 0, 0, 60],
        [1e-3, 0, 0, 0, 0, 0],
    ], dtype=F64)
    y = np.array([0, 2, 0, 5, 3, 5, 1], dtype=np.int32)
    out, _ = single_case("onehot_and_equal_rows", x, y, note="one-hot-ish rows and all-equal rows")
    for b in (2, 3, 4):
        expect(out["entropy"][b], math.log(C), 1e-15, "uniform H")
        expect(out["msp"][b], 1.0 / C, 1e-16, "uniform MSP")
        expect(out["brier"][b], 1.0 - 1.0 / C, 1e-15, "uniform Brier")
        assert out["logit_margin"][b] == 0 and out["prob_margin"][b] == 0 and out["argmax"][b] == 0

    # C = 1
    x = np.array([[3.5], [-1000.0], [0.0], [-INF], [12.0]])
    y = np.array([0, 0, -100, 0, 0], dtype=np.int32)
    out, _ = single_case("c1", x, y, note="C=1: logit_margin=+inf, prob_margin=1; all -inf row is NaN")
    assert out["logit_margin"][0] == INF and out["prob_margin"][0] == 1.0 and out["nll"][0] == 0

    # ties of the max, top_k = 2
    x = np.array([
        [1, 3, 3, 0, 3],
        [1, 3, 3, 0, 3],
        [1, 3, 3, 0, 3],
        [3, 3, 3, 3, 1],
        [3, 3, 3, 3, 1],
        [2, 2, 5, 2, 2],
        [2, 2, 5, 2, 2],
        [-1, 4, -1, 4, -1],
    ], dtype=F64)
    y = np.array([2, 4, 1, 3, 1, 4, 0, 3], dtype=np.int32)
    out, _ = single_case("ties_topk2", x, y, top_k=2,
                         note="repeated max: logit_margin = prob_margin = 0, argmax lowest index; "
                              "topk counts earlier ties")
    assert list(out["argmax"]) == [1, 1, 1, 0, 0, 2, 2, 1]
    assert list(out["top1"]) == [0, 0, 1, 0, 0, 0, 0, 0]
    assert list(out["topk"]) == [1, 0, 1, 0, 1, 0, 1, 1]

    # ignore_index rows
    B, C = 10, 8
    x = RNG.standard_normal((B, C)) * 2.0
    single_case("ignore_index", x, gen_labels(B, C, ignore_rows=(0, 3, 4, 9)),
                note="label == ignore_index -> NaN for nll/brier/top1/topk/label_smoothed_ce")

    # temperatures
    B, C = 11, 13
    x = RNG.standard_normal((B, C)) * 3.0
    single_case("temperature_0.5", x, gen_labels(B, C), T=0.5, note="logits divided by T first")
    B, C = 10, 29
    x = RNG.standard_normal((B, C)) * 3.0
    single_case("temperature_2.0_ignore_m1", x, gen_labels(B, C, ignore_rows=(2, 7), ignore_index=-1),
                T=2.0, ignore_index=-1, note="T=2 and a non-default ignore_index of -1")

    # label smoothing (PyTorch semantics); last row has a -inf entry -> +inf smoothed CE
    B, C = 9, 10
    x = RNG.standard_normal((B, C)) * 3.0
    x[8, 3] = -INF
    y = gen_labels(B, C, ignore_rows=(5,))
    y[8] = 0
    out, _ = single_case("label_smoothing_0.1", x, y, eps=0.1,
                         note="(1-eps)*nll + eps*(lse - mean_c x_c); a -inf logit makes it +inf for eps>0")
    assert out["label_smoothed_ce"][8] == INF

    # non-finite rows mixed with normal rows
    B, C = 7, 9
    x = RNG.standard_normal((B, C)) * 3.0
    x[1, 4] = NAN
    x[3, 0] = INF
    x[4, :] = -INF
    x[5, 2] = NAN
    x[5, 6] = -INF
    y = gen_labels(B, C)
    out, x64 = single_case("nonfinite_rows", x, y,
                           note="rows 1 (NaN), 3 (+inf), 4 (all -inf), 5 (NaN and -inf): all float "
                                "outputs NaN, argmax -1; other rows unaffected")
    for b in (1, 3, 4, 5):
        assert all(np.isnan(out[n][b]) for n in SINGLE_OUT) and out["argmax"][b] == -1
    for b in (0, 2, 6):
        alone = single_ref(x64[b:b + 1], y[b:b + 1])
        for n in SINGLE_OUT:
            assert alone[n][0] == out[n][b]


def normalise_exact_f32(t):
    """Round targets to the 2^-24 grid (exact in float32) and put the remainder on each row's largest
    entry, so that every stored row sums to exactly 1 (both soft-CE forms then coincide)."""
    q = np.round(np.asarray(t, dtype=F64) * 2.0 ** 24)
    for r in q:
        j = int(np.argmax(r))
        r[j] = 2.0 ** 24 - (r.sum() - r[j])
        assert r[j] >= 0
    t32 = (q / 2.0 ** 24).astype(np.float32)
    assert (t32.astype(F64) * 2.0 ** 24 == q).all()
    assert all(math.fsum(row) == 1.0 for row in t32.astype(F64))
    return t32


def gen_soft():
    def soft_case(case, x, t, note):
        xs, x64 = encode(x, "f32")
        ts, t64 = encode(t, "f32")
        lse = sps.logsumexp(x64, axis=1)
        soft_ce = lse - np.sum(t64 * x64, axis=1)
        tsum = np.array([math.fsum(r) for r in t64])
        # -sum t log_softmax(x) = lse*sum(t) - sum t x  ==> soft_ce = that - lse*(sum t - 1)
        close(soft_ce, -np.sum(t64 * sps.log_softmax(x64, axis=1), axis=1) - lse * (tsum - 1.0), 1e-13,
              "soft ce vs log_softmax")
        save_case("soft", case, {"logits": xs, "targets": ts, "soft_ce": soft_ce},
                  {"dtype": "f32", "temperature": 1.0, "B": int(x64.shape[0]), "C": int(x64.shape[1]),
                   "max_abs_target_row_sum_minus_1": float(np.abs(tsum - 1.0).max()),
                   "note": "soft_ce = lse - sum_c t_c x_c with the stored f32 targets as-is. " + note})
        return soft_ce

    B, C = 8, 10
    x = RNG.standard_normal((B, C)) * 3.0
    t = RNG.dirichlet(np.full(C, 0.5), size=B)
    soft_case("dirichlet_8x10", x, t,
              "Targets are plain f32 Dirichlet draws, row sums differ from 1 by ~1e-7, so "
              "-sum t log p differs from soft_ce by lse*(sum t - 1) (~1e-7 here).")

    B, C = 4, 1000
    x = RNG.standard_normal((B, C)) * 4.0
    t = np.zeros((B, C))
    t[0] = RNG.dirichlet(np.full(C, 0.05))
    t[1, 17] = 1.0                                   # one-hot target
    t[2, [3, 500, 999]] = [0.5, 0.3, 0.2]            # sparse annotator distribution
    t[3] = 1.0 / C                                   # uniform target
    soft_case("sparse_4x1000", x, normalise_exact_f32(t),
              "Rows sum to exactly 1 (targets on the 2^-24 grid): one Dirichlet row, one one-hot, "
              "one 3-sparse, one uniform.")

    B, C = 5, 33
    x = RNG.standard_normal((B, C)) * 80.0 + 1000.0
    t = RNG.dirichlet(np.full(C, 1.0), size=B)
    soft_case("large_magnitude_5x33", x, normalise_exact_f32(t),
              "Logits ~1000 +- 80; rows sum to exactly 1, so compute as sum_c t_c*(ln s - (x_c - m)) to avoid "
              "the lse - sum t x cancellation in f32.")


# ----------------------------------------------------------------------------------------------
# 2. ensemble
# ----------------------------------------------------------------------------------------------

ENS_OUT = ("total", "aleatoric", "epistemic_kl", "epistemic_diff", "dual_entropy", "bregman",
           "expected_msp", "msp_bma", "msp_dual", "var_probs", "var_logits", "nll_bma", "nll_dual")


def ens_ref_np(x, labels, ignore_index=-100):
    """x: [M,B,C] float64."""
    M, B, C = x.shape
    out = {n: np.empty(B) for n in ENS_OUT}
    out["argmax_bma"] = np.empty(B, dtype=np.int32)
    for b in range(B):
        X = x[:, b, :]
        lse_m = sps.logsumexp(X, axis=1)
        logp = X - lse_m[:, None]
        p = np.exp(logp)
        H_m = -np.sum(p * logp, axis=1)
        log_pbar = sps.logsumexp(logp, axis=0) - math.log(M)
        pbar = np.exp(log_pbar)
        xbar = X.mean(axis=0)
        lse_bar = sps.logsumexp(xbar)
        logpd = xbar - lse_bar
        pd = np.exp(logpd)
        o = {}
        o["total"] = -np.sum(pbar * log_pbar)
        o["aleatoric"] = H_m.mean()
        o["epistemic_kl"] = np.mean(np.sum(p * (logp - log_pbar[None, :]), axis=1))
        o["epistemic_diff"] = o["total"] - o["aleatoric"]
        o["dual_entropy"] = -np.sum(pd * logpd)
        o["bregman"] = lse_m.mean() - lse_bar
        o["expected_msp"] = p.max(axis=1).mean()
        o["msp_bma"] = pbar.max()
        o["msp_dual"] = pd.max()
        o["var_probs"] = np.mean(np.var(p, axis=0, ddof=1)) if M > 1 else 0.0
        o["var_logits"] = np.mean(np.var(X, axis=0, ddof=1)) if M > 1 else 0.0
        y = int(labels[b])
        o["nll_bma"] = -log_pbar[y] if y != ignore_index else NAN
        o["nll_dual"] = lse_bar - xbar[y] if y != ignore_index else NAN
        for n in ENS_OUT:
            out[n][b] = o[n]
        out["argmax_bma"][b] = int(np.argmax(pbar))
        # library cross-checks
        close(o["total"], sst.entropy(pbar), 1e-13, "H(pbar) vs scipy")
        close(o["aleatoric"], np.mean([sst.entropy(sps.softmax(X[m])) for m in range(M)]), 1e-13, "E[H]")
        close(o["epistemic_kl"], np.mean([sst.entropy(p[m], pbar) for m in range(M)]), 1e-13, "MI KL")
        ptilde = sps.softmax(np.mean(sps.log_softmax(X, axis=1), axis=0))
        close(pd, ptilde, 1e-12, "dual = softmax(mean log p)")
        close(o["bregman"], np.mean([sst.entropy(pd, p[m]) for m in range(M)]), 1e-11, "bregman KL form")
        assert abs(o["epistemic_kl"] - o["epistemic_diff"]) <= 1e-12
        assert -1e-12 <= o["epistemic_kl"] <= min(math.log(M), o["total"]) + 1e-12
        assert o["bregman"] >= -1e-12
    return out


def ens_ref_mp(x, labels, ignore_index=-100):
    """Same outputs at 40 significant digits (mpmath); numbers rounded to float64 at the end."""
    mpmath.mp.dps = 40
    M, B, C = x.shape
    out = {n: np.empty(B) for n in ENS_OUT}
    for b in range(B):
        X = [[mpmath.mpf(float(x[m, b, c])) for c in range(C)] for m in range(M)]
        lse_m = [mpmath.log(mpmath.fsum(mpmath.exp(v) for v in row)) for row in X]
        logp = [[v - lse_m[m] for v in X[m]] for m in range(M)]
        p = [[mpmath.exp(v) for v in row] for row in logp]
        pbar = [mpmath.fsum(p[m][c] for m in range(M)) / M for c in range(C)]
        log_pbar = [mpmath.log(v) for v in pbar]
        xbar = [mpmath.fsum(X[m][c] for m in range(M)) / M for c in range(C)]
        lse_bar = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in xbar))
        pd = [mpmath.exp(v - lse_bar) for v in xbar]
        H = lambda q, lq: -mpmath.fsum(a * la for a, la in zip(q, lq))
        o = {}
        o["total"] = H(pbar, log_pbar)
        o["aleatoric"] = mpmath.fsum(H(p[m], logp[m]) for m in range(M)) / M
        o["epistemic_kl"] = mpmath.fsum(p[m][c] * (logp[m][c] - log_pbar[c])
                                        for m in range(M) for c in range(C)) / M
        o["epistemic_diff"] = o["total"] - o["aleatoric"]
        o["dual_entropy"] = H(pd, [v - lse_bar for v in xbar])
        o["bregman"] = mpmath.fsum(lse_m) / M - lse_bar
        o["expected_msp"] = mpmath.fsum(max(row) for row in p) / M
        o["msp_bma"] = max(pbar)
        o["msp_dual"] = max(pd)

        def mvar(rows):
            if M == 1:
                return mpmath.mpf(0)
            acc = mpmath.mpf(0)
            for c in range(C):
                mu = mpmath.fsum(rows[m][c] for m in range(M)) / M
                acc += mpmath.fsum((rows[m][c] - mu) ** 2 for m in range(M)) / (M - 1)
            return acc / C

        o["var_probs"] = mvar(p)
        o["var_logits"] = mvar(X)
        y = int(labels[b])
        o["nll_bma"] = -log_pbar[y] if y != ignore_index else mpmath.nan
        o["nll_dual"] = lse_bar - xbar[y] if y != ignore_index else mpmath.nan
        for n in ENS_OUT:
            out[n][b] = float(o[n])
    return out


def ens_case(case, x_intended, labels, dtype="f32", note=None):
    stored, x64 = encode(x_intended, dtype)
    labels = np.asarray(labels, dtype=np.int32)
    ref_np = ens_ref_np(x64, labels)
    ref = ens_ref_mp(x64, labels)
    for n in ENS_OUT:
        close(ref_np[n], ref[n], 1e-12, "ensemble np vs mp " + n)
    ref["argmax_bma"] = ref_np["argmax_bma"]
    # guard: the BMA argmax must not be a near-tie that f32 could resolve differently
    M, B, C = x64.shape
    for b in range(B):
        pbar = np.mean(sps.softmax(x64[:, b, :], axis=1), axis=0)
        s = np.sort(pbar)[::-1]
        if C > 1 and s[0] != s[1]:
            assert (s[0] - s[1]) / s[0] > 1e-5, (case, b, "near-tie in argmax_bma")
    arrays = {"logits": stored, "labels": labels}
    arrays.update(ref)
    # `uqk eval ensemble` names the mutual information (KL form) `epistemic`, as the issue asks.
    arrays["epistemic"] = ref["epistemic_kl"]
    meta = {"dtype": dtype, "layout": "member-major", "ignore_index": -100,
            "M": int(M), "B": int(B), "C": int(C)}
    if note:
        meta["note"] = note
    save_case("ensemble", case, arrays, meta)
    return ref


def gen_ensemble():
    x = np.array([[[2.0, 0.0, 0.0]], [[0.0, 2.0, 0.0]]])
    ref = ens_case("worked_example", x, [0], note="spec 1.4 worked example")
    expect(ref["total"][0], 0.958471600, 1e-9, "ex H(pbar)")
    expect(ref["aleatoric"][0], 0.665572682, 1e-9, "ex E[H]")
    expect(ref["epistemic_kl"][0], 0.292898919, 1e-9, "ex MI")
    expect(ref["epistemic_diff"][0], 0.292898919, 1e-9, "ex MI diff")
    expect(ref["bregman"][0], 0.377549962, 1e-9, "ex EU bregman")
    pd = sps.softmax(x.astype(F64).mean(axis=0)[0])
    for a, e in zip(pd, [0.4223188, 0.4223188, 0.1553624]):
        expect(a, e, 1e-7, "ex ptilde")
    expect(ref["msp_dual"][0], pd.max(), 1e-15, "ex msp dual")

    M, B, C = 5, 9, 10
    x = RNG.standard_normal((M, B, C)) * 2.0 + RNG.standard_normal((1, B, C)) * 2.0
    y = gen_labels(B, C, ignore_rows=(4,))
    ens_case("rand_f32_m5_b9_c10", x, y, note="label of sample 4 is ignore_index -> nll_bma/nll_dual NaN")

    M, B, C = 3, 4, 257
    x = RNG.standard_normal((M, B, C)) * 1.5 + RNG.standard_normal((1, B, C)) * 3.0
    ens_case("rand_f32_m3_b4_c257", x, gen_labels(B, C))

    M, B, C = 1, 6, 7
    x = RNG.standard_normal((M, B, C)) * 3.0
    ref = ens_case("m1", x, gen_labels(B, C), note="M=1: epistemic = bregman = variances = 0")
    single = single_ref(encode(x, "f32")[1][0], np.zeros(B, np.int32))
    close(ref["total"], single["entropy"], 1e-14, "M=1 total = H")
    assert (ref["var_probs"] == 0).all() and (ref["var_logits"] == 0).all()
    assert np.abs(ref["epistemic_kl"]).max() <= 1e-15 and np.abs(ref["bregman"]).max() <= 1e-15

    M, B, C = 4, 5, 11
    one = RNG.standard_normal((1, B, C)) * 3.0
    x = np.repeat(one, M, axis=0)
    ref = ens_case("identical_members", x, gen_labels(B, C), note="identical members: MI = EU = 0")
    assert np.abs(ref["epistemic_kl"]).max() <= 1e-15 and np.abs(ref["bregman"]).max() <= 1e-15
    assert (ref["var_logits"] == 0).all() and np.abs(ref["var_probs"]).max() <= 1e-30
    close(ref["total"], ref["dual_entropy"], 1e-14, "identical: H(pbar) = H(ptilde)")

    M, B, C = 3, 6, 19
    x = RNG.standard_normal((M, B, C)) * 2.0 + RNG.standard_normal((1, B, C)) * 2.0
    ens_case("f64_m3_b6_c19", x, gen_labels(B, C), dtype="f64")

    M, B, C = 4, 5, 33
    x = (RNG.standard_normal((M, B, C)) * 5.0 + RNG.standard_normal((1, B, C)) * 60.0
         + np.array([0, 1000, -1000, 1000, 0], dtype=F64)[None, :, None])
    ens_case("large_magnitude", x, gen_labels(B, C),
             note="member logits scale ~60 with +-1000 shifts; bregman needs f64 accumulation")

    M, B, C = 6, 3, 40
    x = RNG.standard_normal((1, B, C)) * 6.0 + RNG.standard_normal((M, B, C)) * 0.01
    ens_case("near_agreement", x, gen_labels(B, C),
             note="members almost agree: tiny MI / bregman (cancellation-prone, spec 1.8)")


# ----------------------------------------------------------------------------------------------
# 3. token level
# ----------------------------------------------------------------------------------------------

def token_case(case, x_intended, labels, dtype="f32", shift=1, ignore_index=-100, note=None):
    stored, x64 = encode(x_intended, dtype)
    labels = np.asarray(labels, dtype=np.int32)
    B, T, V = x64.shape
    To = T - shift
    nll = np.full((B, To), NAN)
    ent = np.empty((B, To))
    msp = np.empty((B, To))
    for b in range(B):
        for t in range(To):
            y = int(labels[b, t + shift])
            r = single_row(x64[b, t], y, ignore_index, 5, 0.0)
            ent[b, t] = r["entropy"]
            msp[b, t] = r["msp"]
            if y != ignore_index:
                nll[b, t] = r["nll"]
                close(r["nll"], -sps.log_softmax(x64[b, t])[y], 1e-14, "token nll")
    valid = ~np.isnan(nll)
    cnt = valid.sum(axis=1).astype(np.int32)
    ssum = np.where(valid, nll, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, ssum / np.maximum(cnt, 1), NAN)
    ppl = np.exp(mean)
    close(ent, sst.entropy(sps.softmax(x64[:, :To], axis=-1), axis=-1), 1e-13, "token entropy")
    arrays = {"logits": stored, "labels": labels, "token_nll": nll, "token_entropy": ent, "token_msp": msp,
              "seq_sum_nll": ssum, "seq_count": cnt, "seq_mean_nll": mean, "seq_perplexity": ppl}
    meta = {"dtype": dtype, "shift": shift, "ignore_index": ignore_index, "B": int(B), "T": int(T),
            "V": int(V), "T_out": int(To)}
    if note:
        meta["note"] = note
    save_case("token", case, arrays, meta)
    return arrays


def gen_token():
    B, T, V = 3, 5, 11
    x = RNG.standard_normal((B, T, V)) * 3.0
    y = RNG.integers(0, V, size=(B, T)).astype(np.int32)
    y[:, 0] = -100                 # first label never scored with shift=1 (prompt)
    y[1, 1] = -100
    y[2, 3] = -100
    token_case("f32_b3_t5_v11_shift1", x, y, shift=1,
               note="shift=1: logits[b,t] score labels[b,t+1]")

    B, T, V = 2, 4, 300
    x = RNG.standard_normal((B, T, V)) * 4.0
    y = RNG.integers(0, V, size=(B, T)).astype(np.int32)
    y[0, 2] = -100
    token_case("f32_b2_t4_v300_shift0", x, y, shift=0)

    B, T, V = 2, 3, 1000
    x = RNG.standard_normal((B, T, V)) * 4.0
    y = RNG.integers(0, V, size=(B, T)).astype(np.int32)
    y[1, 0] = -100
    token_case("bf16_b2_t3_v1000_shift1", x, y, dtype="bf16", shift=1,
               note="logits.npy holds raw bf16 bits (uint16)")

    B, T, V = 3, 4, 17
    x = RNG.standard_normal((B, T, V)) * 3.0
    y = RNG.integers(0, V, size=(B, T)).astype(np.int32)
    y[1, :] = -100                 # whole sequence ignored
    y[2, :3] = -100
    a = token_case("all_ignored_seq_shift1", x, y, shift=1,
                   note="sequence 1 has no valid label: count 0, sum 0, mean and perplexity NaN")
    assert a["seq_count"][1] == 0 and a["seq_sum_nll"][1] == 0 and np.isnan(a["seq_mean_nll"][1])
    assert np.isnan(a["seq_perplexity"][1]) and a["seq_count"][2] == 1


# ----------------------------------------------------------------------------------------------
# 4. semantic entropy (CSR groups)
# ----------------------------------------------------------------------------------------------

def relabel(ids):
    seen = {}
    return np.array([seen.setdefault(int(k), len(seen)) for k in ids], dtype=np.int64)


def semantic_ref(offsets, ll, ids):
    Q = len(offsets) - 1
    out = {n: np.empty(Q) for n in ("se_rao", "se_discrete", "se_kuhn", "naive_pe")}
    for q in range(Q):
        l = ll[offsets[q]:offsets[q + 1]]
        k = relabel(ids[offsets[q]:offsets[q + 1]])
        N, K = l.size, int(k.max()) + 1
        L = sps.logsumexp(l)
        lse_k = np.array([sps.logsumexp(l[k == j]) for j in range(K)])
        logpi = lse_k - L
        out["se_rao"][q] = -np.sum(np.exp(logpi) * logpi)
        pi = np.bincount(k) / N
        out["se_discrete"][q] = -np.sum(pi * np.log(pi))
        out["se_kuhn"][q] = -np.mean(lse_k)
        out["naive_pe"][q] = -np.mean(l)
        # cross-checks
        close(out["se_discrete"][q], sst.entropy(np.bincount(k) / N), 1e-14, "discrete SE vs scipy")
        close(out["se_rao"][q], sst.entropy(np.exp(logpi)), 1e-13, "rao SE vs scipy")
        assert -1e-15 <= out["se_rao"][q] <= math.log(K) + 1e-12
        # invariance to ell + const (spec 4.12)
        l2 = l + 37.0
        lp2 = np.array([sps.logsumexp(l2[k == j]) for j in range(K)]) - sps.logsumexp(l2)
        close(-np.sum(np.exp(lp2) * lp2), out["se_rao"][q], 1e-12, "SE shift invariance")
    return out


def semantic_case(case, sizes, ll, ids, note=None):
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
    ll = np.asarray(ll, dtype=F64)
    ids = np.asarray(ids, dtype=np.int32)
    assert offsets[-1] == ll.size == ids.size
    out = semantic_ref(offsets, ll, ids)
    arrays = {"offsets": offsets, "loglik": ll, "cluster_ids": ids}
    arrays.update(out)
    meta = {"dtype": "f64", "Q": int(len(sizes)), "N": int(ll.size), "kuhn_constant": 0.0}
    if note:
        meta["note"] = note
    save_case("semantic", case, arrays, meta)
    return out


def jlko_unshifted_rao(l, k):
    """jlko's logsumexp_by_id + predictive_entropy_rao (no max shift), for demonstration only."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lnorm = l - np.log(np.sum(np.exp(l)))
        lp = np.array([np.log(np.sum(np.exp(lnorm[k == j]))) for j in range(int(k.max()) + 1)])
        return -np.sum(np.exp(lp) * lp)


def gen_semantic():
    out = semantic_case("worked_example", [5], [-0.2, -0.5, -0.3, -1.2, -2.0], [0, 0, 1, 0, 2],
                        note="spec 1.7 worked example")
    expect(out["se_rao"][0], 0.783668477, 1e-9, "ex SE")
    expect(out["se_discrete"][0], 0.950270539, 1e-9, "ex discrete SE")
    expect(out["naive_pe"][0], 0.84, 1e-9, "ex naive PE")
    expect(out["se_kuhn"][0], 0.584643155, 1e-9, "ex Kuhn SE")

    sizes = [1, 3, 12, 5, 8, 2, 10]
    pool = np.array([0, 1, 2, 3, 7, -5, 42, 1000, 123456], dtype=np.int32)
    ll, ids = [], []
    for n in sizes:
        ll.append(-RNG.uniform(0.02, 3.0, size=n))
        nk = int(RNG.integers(1, min(n, 5) + 1))
        labels = RNG.choice(pool, size=nk, replace=False)
        ids.append(labels[RNG.integers(0, nk, size=n)])
    semantic_case("random_q7", sizes, np.concatenate(ll), np.concatenate(ids),
                  note="mean token log-probs; arbitrary (negative / large) cluster ids")

    sizes = [4, 10, 6, 3]
    ll, ids = [], []
    for n in sizes:
        ll.append(-RNG.uniform(800.0, 3000.0, size=n) if n != 6 else -1500.0 + RNG.normal(0, 2.0, size=n))
        ids.append(RNG.integers(0, 3, size=n))
    ids[2] = np.array([0, 1, 0, 2, 1, 0])             # q2: ell within a few nats -> SE clearly > 0
    ll, ids = np.concatenate(ll), np.concatenate(ids).astype(np.int32)
    out = semantic_case("summed_loglik_below_745", sizes, ll, ids,
                        note="summed log-likelihoods << -745: exp underflows without a max shift")
    off = np.concatenate([[0], np.cumsum(sizes)])
    broken = [jlko_unshifted_rao(ll[off[q]:off[q + 1]], relabel(ids[off[q]:off[q + 1]])) for q in range(4)]
    assert not any(np.isfinite(v) for v in broken), broken   # the shift matters
    assert np.isfinite(out["se_rao"]).all() and (out["se_rao"][2] > 0.01)

    # degenerate groups: one cluster (0), N=1 (0), 5 singletons with equal ell (ln 5),
    # two equal-size clusters (discrete = ln 2)
    sizes = [6, 1, 5, 4]
    ll = np.concatenate([-RNG.uniform(0.1, 2.0, 6), [-0.7], np.full(5, -1.3), -RNG.uniform(0.1, 2.0, 4)])
    ids = np.concatenate([np.full(6, 9), [3], [4, 8, 15, 16, 23], [1, 2, 2, 1]]).astype(np.int32)
    out = semantic_case("one_cluster_and_degenerate", sizes, ll, ids,
                        note="q0 one cluster -> 0; q1 N=1 -> 0; q2 equal-ell singletons -> ln 5; "
                             "q3 two equal clusters -> discrete ln 2")
    assert out["se_rao"][0] == 0 and out["se_discrete"][0] == 0
    assert out["se_rao"][1] == 0 and out["se_discrete"][1] == 0
    expect(out["se_rao"][2], math.log(5), 1e-15, "singletons SE")
    expect(out["se_discrete"][2], math.log(5), 1e-15, "singletons discrete")
    expect(out["se_discrete"][3], math.log(2), 1e-15, "equal clusters discrete")


# ----------------------------------------------------------------------------------------------
# 5. ECE / MCE / binary proper scores
# ----------------------------------------------------------------------------------------------

def f32_edges(K):
    e = np.arange(K + 1, dtype=np.float32) / np.float32(K)   # correctly rounded k/K in float32
    assert (e == np.linspace(0, 1, K + 1).astype(np.float32)).all()
    return e


def ece_bins(conf32, K, variant):
    e = f32_edges(K)
    if variant == "untangle":       # right-closed, kappa=0 -> bin 0, kappa=1 -> K-1, clamp
        idx = np.clip(np.searchsorted(e[1:-1], conf32, side="left"), 0, K - 1)
        return idx, K
    if variant == "torchmetrics":   # left-closed [e_k, e_k+1); kappa = 1.0 in an extra bin K
        idx = np.searchsorted(e, conf32, side="right") - 1
        return idx, K + 1
    if variant == "guo":            # right-closed (e_k, e_k+1], no clamp; kappa=0 -> no bin (-1)
        idx = np.searchsorted(e, conf32, side="left") - 1
        idx[(idx < 0) | (idx >= K)] = -1
        return idx, K
    raise ValueError(variant)


def ece_loop(conf32, K, variant):
    """Independent per-element transcription of the three binning rules (cross-check)."""
    e = f32_edges(K)
    out = []
    for v in conf32:
        if variant == "untangle":
            out.append(min(max(int(np.sum(e[1:-1] < v)), 0), K - 1))
        elif variant == "torchmetrics":
            out.append(int(np.sum(e <= v)) - 1)
        else:
            ks = [k for k in range(K) if e[k] < v <= e[k + 1]]
            out.append(ks[0] if ks else -1)
    return np.array(out)


def ece_ref(conf32, corr32, K, variant):
    idx, nb = ece_bins(conf32, K, variant)
    assert (idx == ece_loop(conf32, K, variant)).all()
    k64, c64 = conf32.astype(F64), corr32.astype(F64)
    N = k64.size
    sel = idx >= 0
    n = np.bincount(idx[sel], minlength=nb).astype(F64)
    sk = np.bincount(idx[sel], weights=k64[sel], minlength=nb)
    sc = np.bincount(idx[sel], weights=c64[sel], minlength=nb)
    nz = n > 0
    conf_k = np.where(nz, sk / np.where(nz, n, 1), 0.0)
    acc_k = np.where(nz, sc / np.where(nz, n, 1), 0.0)
    gap = np.abs(acc_k - conf_k)
    ece = np.sum(n / N * gap)
    mce = gap.max()
    kh = np.clip(k64, 1e-7, 1 - 1e-7)
    logp = np.mean(c64 * np.log(kh) + (1 - c64) * np.log(1 - kh))
    kh32 = np.clip(conf32, np.float32(1e-7), np.float32(1 - 1e-7)).astype(F64)
    logp32 = np.mean(c64 * np.log(kh32) + (1 - c64) * np.log(1 - kh32))
    brier = -np.mean(k64 ** 2 + c64 - 2 * k64 * c64)
    assert 0 <= ece <= mce + 1e-15 <= 1 + 1e-15
    return dict(ece=ece, mce=mce, binary_log_prob=logp, binary_brier=brier,
                binary_log_prob_f32clamp=logp32), idx


def sklearn_crosscheck(conf32, corr32, K, idx):
    """calibration_curve (f64 edges) must agree with the untangle variant wherever the f32 and f64
    edge grids put kappa in the same bin. Returns how many elements the two binnings disagree on."""
    k64 = conf32.astype(F64)
    sk_ids = np.searchsorted(np.linspace(0, 1, K + 1)[1:-1], k64)
    diff = sk_ids != idx
    e32 = f32_edges(K).astype(F64)
    assert np.isin(k64[diff], e32).all(), "binning differs off the f32 edges"
    hard = np.isin(corr32, (0, 1)).all()
    if hard and not diff.any():
        pt, pp = sklearn.calibration.calibration_curve(corr32.astype(F64), k64, n_bins=K, strategy="uniform")
        cnt = np.bincount(sk_ids, minlength=K)
        cnt = cnt[cnt > 0]
        return int(diff.sum()), float(np.sum(cnt / k64.size * np.abs(pt - pp)))
    return int(diff.sum()), None


def ece_case(case, conf, corr, K=15, variant="untangle", note=None):
    c32 = np.asarray(conf, dtype=np.float32)
    y32 = np.asarray(corr, dtype=np.float32)
    assert ((c32 >= 0) & (c32 <= 1)).all() and ((y32 >= 0) & (y32 <= 1)).all()
    ref, idx = ece_ref(c32, y32, K, variant)
    meta = {"dtype": "f32", "bins": K, "variant": variant, "binning": variant, "N": int(c32.size),
            "edges_f32": [float(v) for v in f32_edges(K)],
            "log_prob_clamp": "binary_log_prob clamps float64(kappa) to [1e-7, 1-1e-7] in float64; "
                              "binary_log_prob_f32clamp clamps with float32 bounds "
                              "(float32(1e-7), float32(1-1e-7) = 1-2^-23), logs in float64"}
    if variant == "untangle":
        ndiff, sk_ece = sklearn_crosscheck(c32, y32, K, idx)
        meta["sklearn_f64_edge_bin_disagreements"] = ndiff
        if sk_ece is not None:
            close(ref["ece"], sk_ece, 1e-14, "ECE vs sklearn calibration_curve")
            meta["sklearn_calibration_curve_ece"] = sk_ece
    if note:
        meta["note"] = note
    arrays = {"confidence": c32, "correct": y32}
    arrays.update({n: np.array([v], dtype=F64) for n, v in ref.items()})
    save_case("ece", case, arrays, meta)
    return ref


def gen_ece():
    N = 1000
    conf = RNG.beta(6.0, 1.5, size=N).astype(np.float32)
    conf[RNG.choice(N, 25, replace=False)] = 1.0     # over-confident f32 softmax saturates at 1.0
    conf[[3, 500]] = 0.0
    u = RNG.uniform(size=N)
    corr = (u < np.minimum(1.0, 1.1 * conf)).astype(np.float32)   # slightly under-confident ...
    corr[conf == 1.0] = (u[conf == 1.0] < 0.8)                     # ... except the saturated kappa = 1.0
    corr[[3, 500]] = 1.0                             # kappa = 0 but correct: makes guo differ from untangle
    refs = {v: ece_case(f"rand_n1000_{v}", conf, corr, variant=v,
                        note="hard 0/1 correctness; 25 kappa = 1.0 and 2 kappa = 0.0 (both correct)")
            for v in ("untangle", "torchmetrics", "guo")}
    e3 = sorted(float(refs[v]["ece"]) for v in refs)
    assert e3[1] - e3[0] > 1e-3 and e3[2] - e3[1] > 1e-3, e3

    N = 500
    conf = RNG.beta(4.0, 1.5, size=N).astype(np.float32)
    corr = RNG.beta(3.0, 1.2, size=N).astype(np.float32)
    ece_case("soft_n500_untangle", conf, corr, note="soft correctness in [0,1]")

    e = f32_edges(15)
    up = np.nextafter(e[1:-1], np.float32(2))
    dn = np.nextafter(e[1:-1], np.float32(-1))
    conf = np.concatenate([e, e[1:-1], up, dn, [0, 0, 1, 1, e[1], e[1]]]).astype(np.float32)
    corr = (np.arange(conf.size) % 3 == 0).astype(np.float32)
    for v in ("untangle", "torchmetrics", "guo"):
        ece_case(f"edges_{v}", conf, corr, variant=v,
                 note="kappa exactly on the float32 edges k/15 (and their float32 neighbours), 0 and 1")

    N = 300
    conf = RNG.uniform(0.1, 1.0, size=N).astype(np.float32)
    conf[:11] = f32_edges(10)
    corr = (RNG.uniform(size=N) < conf).astype(np.float32)
    ece_case("k10_untangle", conf, corr, K=10, note="10 bins; first 11 values are the float32 edges")
    ece_case("k10_torchmetrics", conf, corr, K=10, variant="torchmetrics", note="10 bins, torchmetrics")

    ece_case("n1_untangle", [0.73], [1.0], note="N = 1")
    r = ece_case("n1_kappa1_torchmetrics", [1.0], [0.0], variant="torchmetrics",
                 note="N = 1, kappa = 1.0 in the extra bin; the log-prob clamp bound matters here")
    assert r["ece"] == 1.0 and r["mce"] == 1.0
    expect(r["binary_log_prob"], math.log(1e-7), 1e-9, "clamp f64")
    expect(r["binary_log_prob_f32clamp"], math.log(2.0 ** -23), 1e-12, "clamp f32")


# ----------------------------------------------------------------------------------------------

def main():
    os.makedirs(OUT, exist_ok=True)
    for fam in FAMILIES:                      # regenerate from scratch (only our own folders)
        shutil.rmtree(os.path.join(OUT, fam), ignore_errors=True)
    np.seterr(over="raise")
    gen_single()
    gen_soft()
    gen_ensemble()
    gen_token()
    gen_semantic()
    gen_ece()
    manifest = {
        "generator": "tests/reference/make_entropy_vectors.py",
        "spec": "shared/specs/uq_metrics.md sections 1, 3, 4",
        "seed": SEED,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "sklearn": sklearn.__version__, "mpmath": mpmath.__version__},
        "dtypes": {"f32": "float32 .npy", "f64": "float64 .npy",
                   "f16": "numpy float16 (<f2) .npy",
                   "bf16": "uint16 .npy holding bfloat16 bits (float32 = bits << 16)"},
        "cases": MANIFEST,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")
    print(f"wrote {len(MANIFEST)} cases under {OUT}")
    for fam in FAMILIES:
        print(f"  {fam}: " + ", ".join(c["case"] for c in MANIFEST if c["family"] == fam))


if __name__ == "__main__":
    main()
