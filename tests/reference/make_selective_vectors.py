#!/usr/bin/python3
"""Reference vectors for the selective-prediction metrics, Spearman/Pearson and R@1 / R-AUROC
(uq_metrics.md §2.5, §2.6, §2.7, §3).

Run with the Debian interpreter (sklearn 1.2.1 / scipy 1.10.1 / numpy 1.24.2):

    /usr/bin/python3 tests/reference/make_selective_vectors.py

Inputs are generated in float32 and saved exactly (.npy, little-endian, C order); every reference is computed in
float64 from those exact float32 values. Deterministic (np.random.default_rng(20261124)); regenerating deletes and
rewrites tests/data/ranking_selective/. Layout:

  selective/<case>/u.npy          float32 [n]   uncertainties (accept lowest first)
  selective/<case>/c.npy          float32 [n]   correctness in [0, 1]
  selective/<case>/meta.json      start_index, targets, and for "tie_averaged" and "stable": aurc, cumulative_abstinence_auc,
                                  eaurc, oracle_aurc, aulc, raulc, error_rate, accuracy, coverage_parity[], coverage_corrected[]
  spearman/<case>/x.npy, y.npy    float32 [n]
  spearman/<case>/meta.json       spearman_midrank (scipy.stats.spearmanr), spearman_ordinal_stable, pearson
                                  (scipy.stats.pearsonr; null when an input is infinite); NaN is written as null
  recall_at_one/<case>/features.npy  float32 [n, d]; classes.npy int32 [n]; u.npy float32 [n]
  recall_at_one/<case>/nearest.npy   int32 [n]  (numpy: rows normalised in f64, S = F@F.T, diagonal -inf, argmax)
  recall_at_one/<case>/correct.npy   uint8 [n]
  recall_at_one/<case>/meta.json     recall_at_one, r_auroc (sklearn roc_auc_score(correct, -u); null if one class),
                                     min_margin (smallest f64 gap between a row's best similarity and its best strictly
                                     smaller one: near-ties below ~1e-6 would make f32 results backend-dependent)

Selective-prediction reference (numpy transcription of §2.5 in f64):
  stable:        order = np.argsort(u, kind='stable'); c_s = c[order]
  tie_averaged:  c replaced by its tie-group mean (np.unique(u, return_inverse=True) + np.bincount), then sorted
  AURC = sum(cumsum(1 - c_s) / k) / n; E-AURC = AURC - (r + (1-r) ln(1-r)), r = 1 - mean(c), term := 1 at r = 1;
  oracle AURC from c sorted descending; AULC = sum(cumsum(c_s)/k / mean(c)) / n - 1 (NaN when mean(c) = 0);
  rAULC = AULC / AULC(c sorted descending) (NaN when c is constant).
  Coverage (untangle coverage_for_accuracy and the corrected mode) uses prefix accuracies a_k = C_k/k; for the
  tie-averaged policy C_k = C_s + j*(G/size) inside a tie group and exactly C_s + G at its end (G = the group's sum in
  index order), the same arithmetic as the C# implementation, so the threshold comparisons agree bit for bit.
"""
import json
import math
import os
import shutil

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import roc_auc_score

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ranking_selective")
VERSIONS = {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__}


def jnum(v):
    v = float(v)
    return None if math.isnan(v) else v


def tie_groups(u_sorted):
    """Exclusive ends of runs of equal values (== comparison, so -0.0 ties +0.0)."""
    ends = [k for k in range(1, len(u_sorted)) if u_sorted[k] != u_sorted[k - 1]]
    ends.append(len(u_sorted))
    return ends


def coverage_prefix(c_sorted, ends):
    """C_k with the closed-form tie averaging (ends=None: plain cumsum)."""
    if ends is None:
        return np.cumsum(c_sorted)
    prefix = np.empty(len(c_sorted))
    running = 0.0
    start = 0
    for end in ends:
        group = 0.0
        for j in range(start, end):
            group += c_sorted[j]
        mean = group / (end - start)
        for j in range(start, end - 1):
            prefix[j] = running + (j - start + 1) * mean
        running += group
        prefix[end - 1] = running
        start = end
    return prefix


def coverage(prefix, alpha, s0):
    n = len(prefix)
    a = prefix / np.arange(1, n + 1)
    below = a < alpha
    kstar = int(np.argmax(below))  # 0 when never below (untangle's quirk)
    if s0 < n:  # untangle raises on the empty slice when s0 >= n
        kns = int(np.argmax(below[s0:])) + s0
        if kns > s0:
            kstar = kns
    ok = np.nonzero(a >= alpha)[0]
    corrected = (int(ok[-1]) + 1) / n if len(ok) else 0.0
    return kstar / n, corrected


def selective(u, c, policy, targets, s0):
    u64 = u.astype(np.float64)
    c64 = c.astype(np.float64)
    n = len(u64)
    order = np.argsort(u64, kind="stable")
    if policy == "tie_averaged":
        _, inv = np.unique(u64, return_inverse=True)
        mean = np.bincount(inv, weights=c64) / np.bincount(inv)
        c_used = mean[inv][order]
    else:
        c_used = c64[order]
    k = np.arange(1, n + 1, dtype=np.float64)
    aurc = np.sum(np.cumsum(1.0 - c_used) / k) / n
    acc = c64.mean()
    r = 1.0 - acc
    term = 1.0 if r >= 1.0 else r + (1.0 - r) * np.log(1.0 - r)
    with np.errstate(divide="ignore", invalid="ignore"):
        aulc = np.sum((np.cumsum(c_used) / k) / acc) / n - 1.0 if acc > 0 else float("nan")
        c_desc = np.sort(c64)[::-1]
        oracle_aurc = np.sum(np.cumsum(1.0 - c_desc) / k) / n
        aulc_oracle = np.sum((np.cumsum(c_desc) / k) / acc) / n - 1.0 if acc > 0 else float("nan")
        raulc = float("nan") if (c_desc[0] == c_desc[-1] or not acc > 0) else aulc / aulc_oracle
    ends = tie_groups(u64[order]) if policy == "tie_averaged" else None
    prefix = coverage_prefix(c64[order], ends)
    cov = [coverage(prefix, a, s0) for a in targets]
    return {
        "aurc": jnum(aurc),
        "cumulative_abstinence_auc": jnum(1.0 - aurc),
        "eaurc": jnum(aurc - term),
        "oracle_aurc": jnum(oracle_aurc),
        "aulc": jnum(aulc),
        "raulc": jnum(raulc),
        "error_rate": jnum(r),
        "accuracy": jnum(acc),
        "coverage_parity": [p for p, _ in cov],
        "coverage_corrected": [q for _, q in cov],
    }


def write_selective(name, u, c, note, s0=200, targets=(0.95, 0.99)):
    u = np.asarray(u, dtype=np.float32)
    c = np.asarray(c, dtype=np.float32)
    assert u.shape == c.shape and u.ndim == 1 and not np.isnan(u).any()
    assert ((c >= 0) & (c <= 1)).all()
    folder = os.path.join(ROOT, "selective", name)
    os.makedirs(folder)
    np.save(os.path.join(folder, "u.npy"), u)
    np.save(os.path.join(folder, "c.npy"), c)
    meta = {"case": name, "note": note, "n": int(u.size), "start_index": s0, "targets": list(targets),
            "distinct_u": int(np.unique(u.astype(np.float64)).size), "hard": bool(np.isin(c, [0, 1]).all()),
            "tie_averaged": selective(u, c, "tie_averaged", targets, s0),
            "stable": selective(u, c, "stable", targets, s0), **VERSIONS}
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def ordinal_stable(v):
    ranks = np.empty(len(v))
    ranks[np.argsort(v, kind="stable")] = np.arange(1, len(v) + 1)
    return ranks


def write_spearman(name, x, y, note):
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    x64 = x.astype(np.float64)
    y64 = y.astype(np.float64)
    constant = x.size < 2 or (x64 == x64[0]).all() or (y64 == y64[0]).all()
    if constant:
        mid = ordinal = pear = float("nan")
    else:
        # scipy 1.10's rankdata returns NaN for inputs with ±inf: rank the dense ranks instead (an order-preserving
        # injective map, uq_metrics.md §4.2), as make_ranking_vectors.py does for AUROC.
        rx, ry = x64, y64
        if not (np.isfinite(x64).all() and np.isfinite(y64).all()):
            rx = np.unique(x64, return_inverse=True)[1].astype(np.float64)
            ry = np.unique(y64, return_inverse=True)[1].astype(np.float64)
        mid = float(scipy.stats.spearmanr(rx, ry).correlation)
        check = np.corrcoef(scipy.stats.rankdata(rx), scipy.stats.rankdata(ry))[0, 1]
        assert abs(check - mid) < 1e-14, (name, check, mid)
        ordinal = float(np.corrcoef(ordinal_stable(x64), ordinal_stable(y64))[0, 1])
        pear = float(scipy.stats.pearsonr(x64, y64)[0]) if np.isfinite(x64).all() and np.isfinite(y64).all() else float("nan")
    folder = os.path.join(ROOT, "spearman", name)
    os.makedirs(folder)
    np.save(os.path.join(folder, "x.npy"), x)
    np.save(os.path.join(folder, "y.npy"), y)
    meta = {"case": name, "note": note, "n": int(x.size), "spearman_midrank": jnum(mid),
            "spearman_ordinal_stable": jnum(ordinal), "pearson": jnum(pear),
            "distinct_x": int(np.unique(x64).size), "distinct_y": int(np.unique(y64).size), **VERSIONS}
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def nearest_reference(features):
    f = np.nan_to_num(features.astype(np.float64), nan=0.0)
    norms = np.linalg.norm(f, axis=1, keepdims=True)
    f = np.divide(f, norms, out=np.zeros_like(f), where=norms > 0)
    s = f @ f.T
    np.fill_diagonal(s, -np.inf)
    nearest = np.argmax(s, axis=1)
    margins = []
    for i in range(len(s)):
        row = s[i]
        best = row[nearest[i]]
        smaller = row[row < best]
        margins.append(best - smaller.max() if smaller.size else np.inf)
    return nearest.astype(np.int32), float(np.min(margins))


def write_recall(name, features, classes, u, note):
    features = np.ascontiguousarray(features, dtype=np.float32)
    classes = np.asarray(classes, dtype=np.int32)
    u = np.asarray(u, dtype=np.float32)
    nearest, margin = nearest_reference(features)
    assert margin > 1e-5, (name, margin)
    correct = (classes[nearest] == classes).astype(np.uint8)
    both = 0 < correct.sum() < correct.size
    r_auroc = float(roc_auc_score(correct, -u.astype(np.float64))) if both else float("nan")
    folder = os.path.join(ROOT, "recall_at_one", name)
    os.makedirs(folder)
    np.save(os.path.join(folder, "features.npy"), features)
    np.save(os.path.join(folder, "classes.npy"), classes)
    np.save(os.path.join(folder, "u.npy"), u)
    np.save(os.path.join(folder, "nearest.npy"), nearest)
    np.save(os.path.join(folder, "correct.npy"), correct)
    meta = {"case": name, "note": note, "n": int(features.shape[0]), "d": int(features.shape[1]),
            "recall_at_one": float(correct.mean()), "correct": int(correct.sum()), "r_auroc": jnum(r_auroc),
            "min_margin": margin if math.isfinite(margin) else None, **VERSIONS}
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def clustered(rng, n, d, k, spread, duplicates=0):
    centres = rng.standard_normal((k, d))
    classes = rng.integers(0, k, n)
    features = centres[classes] + spread * rng.standard_normal((n, d))
    for _ in range(duplicates):
        i, j = rng.choice(n, 2, replace=False)
        features[j] = features[i]
    return features.astype(np.float32), classes


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    rng = np.random.default_rng(20261124)
    sel, spe, rec = [], [], []

    # ---- selective prediction ----
    err = np.array([0, 1, 0, 0, 1, 0, 1])
    sel.append(write_selective("worked_example", [0.1, 0.2, 0.2, 0.2, 0.5, 0.5, 0.9], 1 - err,
                               "spec §2.5 worked example (tie-averaged AURC 0.24297052154195012)"))
    n = 2000
    u = rng.standard_normal(n).astype(np.float32)
    c = (rng.random(n) < 1 / (1 + np.exp(2.5 * u - 2.5))).astype(np.float32)
    sel.append(write_selective("random_n2000", u, c, "distinct u, hard c correlated with u (accuracy ~0.85)"))
    sel.append(write_selective("ties_round1", np.round(u, 1), c, "np.round(u, 1) of random_n2000: heavy ties"))
    sel.append(write_selective("ties_integer_s0_50", np.round(u * 2), c, "integer u = round(2u): few large groups; s0 = 50",
                               s0=50, targets=(0.8, 0.9, 0.95, 0.99)))
    cs = np.clip(rng.beta(4, 1.5, n) - 0.3 * (u > 1), 0, 1).astype(np.float32)
    sel.append(write_selective("soft_c", np.round(u * 20) / 20, cs, "soft c (beta), u rounded to 0.05 (ties)",
                               s0=100, targets=(0.7, 0.8, 0.9)))
    sel.append(write_selective("constant_u", np.full(50, 0.3), (rng.random(50) < 0.7), "constant u: AURC = error rate"))
    sel.append(write_selective("all_correct", rng.standard_normal(20), np.ones(20), "all correct: AURC 0, AULC 0, rAULC NaN"))
    sel.append(write_selective("all_wrong", rng.standard_normal(20), np.zeros(20), "all wrong: AURC 1, E-AURC 0, AULC NaN"))
    sel.append(write_selective("n1_correct", [0.4], [1], "n = 1, correct"))
    sel.append(write_selective("n1_wrong", [0.4], [0], "n = 1, wrong"))
    sel.append(write_selective("oracle_n10", np.arange(10) / 10, [1] * 5 + [0] * 5,
                               "discrete oracle, n = 10, n_c = 5: AURC 0.17718 vs continuous 0.15343"))
    sel.append(write_selective("infinities_zeros",
                               [np.inf, -np.inf, 0.0, -0.0, 1.0, np.inf, -0.0, -np.inf, 2.0, 0.0],
                               [0, 1, 1, 0, 1, 0, 1, 1, 0, 1], "±inf ordered values, -0.0 ties +0.0", s0=3,
                               targets=(0.5, 0.75, 0.95)))
    nl = 20000
    ul = np.round(rng.standard_normal(nl), 2).astype(np.float32)
    cl = (rng.random(nl) < 1 / (1 + np.exp(3 * ul - 4))).astype(np.float32)
    sel.append(write_selective("large_n20000_ties", ul, cl, "n = 20k, u rounded to 0.01, accuracy ~0.95",
                               targets=(0.9, 0.95, 0.97, 0.99)))

    # ---- Spearman / Pearson ----
    x = rng.standard_normal(1000).astype(np.float32)
    y = (0.6 * x + 0.8 * rng.standard_normal(1000)).astype(np.float32)
    spe.append(write_spearman("random_n1000", x, y, "continuous, no ties"))
    spe.append(write_spearman("ties_round1", np.round(x, 1), np.round(y, 1), "both rounded to 0.1 (ties)"))
    spe.append(write_spearman("integer_heavy_ties", np.round(x), np.round(y * 2), "few distinct values"))
    ent = np.where(rng.random(1000) < 0.4, 0.0, rng.random(1000)).astype(np.float32)
    spe.append(write_spearman("many_zeros", ent, y, "40% exact zeros (entropies of one-hot annotator labels)"))
    spe.append(write_spearman("reversed", x, -x, "y = -x: rho = -1"))
    spe.append(write_spearman("n2", [1.0, 2.0], [3.0, -1.0], "n = 2"))
    spe.append(write_spearman("constant_x", np.full(10, 2.5), rng.standard_normal(10), "constant x: NaN"))
    spe.append(write_spearman("n1", [1.0], [2.0], "n = 1: NaN"))
    spe.append(write_spearman("infinities", [np.inf, 1.0, -np.inf, 0.0, -0.0, 2.0, np.inf],
                              [3.0, 1.0, 0.5, 2.0, 2.0, -1.0, 4.0], "±inf ordered, -0.0 ties +0.0 (no Pearson)"))

    # ---- R@1 / R-AUROC ----
    f, cls = clustered(rng, 64, 32, 6, 0.6, duplicates=3)
    u = (rng.random(64)).astype(np.float32)
    rec.append(write_recall("clustered_n64_d32_dups", f, cls, u, "6 clusters, 3 exact duplicate rows"))
    f, cls = clustered(rng, 101, 37, 5, 1.5)
    f[7] = 0.0  # zero row: every similarity 0, nearest = lowest other index
    f[13, 5] = np.nan  # NaN feature counts as 0
    u = np.round(rng.random(101), 1).astype(np.float32)
    rec.append(write_recall("zero_row_nan_n101_d37", f, cls, u, "d and n not multiples of 16; a zero row; one NaN element; tied u"))
    rec.append(write_recall("n2", [[1.0, 0.0], [0.0, 1.0]], [0, 1], [0.1, 0.2], "n = 2, orthogonal; one class of r (R-AUROC NaN)"))
    f, cls = clustered(rng, 200, 64, 10, 1.2)
    u = (rng.random(200) + 0.0).astype(np.float32)
    rec.append(write_recall("clustered_n200_d64", f, cls, u, "10 overlapping clusters"))
    f, cls = clustered(rng, 1000, 128, 20, 1.4, duplicates=5)
    u = rng.random(1000).astype(np.float32)
    rec.append(write_recall("clustered_n1000_d128", f, cls, u, "larger case (skipped on ilgpu-cpu)"))

    with open(os.path.join(ROOT, "README.md"), "w") as fh:
        fh.write("# Selective prediction, rank correlation and R@1 reference vectors\n\n")
        fh.write("Generated by `/usr/bin/python3 tests/reference/make_selective_vectors.py` (Debian sklearn %s, scipy %s, "
                 "numpy %s); deterministic; do not edit by hand. See the script's docstring for the layout and the exact "
                 "reference definitions. Inputs are float32, saved exactly; references are float64 from those values. "
                 "null in meta.json means NaN.\n\n" % (sklearn.__version__, scipy.__version__, np.__version__))
        fh.write("## selective/ (uq_metrics.md §2.5)\n\n| case | n | distinct u | hard c | s0 | tie-averaged AURC | stable AURC | note |\n"
                 "|---|---|---|---|---|---|---|---|\n")
        for m in sel:
            fh.write("| %s | %d | %d | %s | %d | %r | %r | %s |\n" % (m["case"], m["n"], m["distinct_u"], m["hard"],
                     m["start_index"], m["tie_averaged"]["aurc"], m["stable"]["aurc"], m["note"]))
        fh.write("\n## spearman/ (§2.7)\n\n| case | n | midrank ρ | ordinal-stable ρ | Pearson | note |\n|---|---|---|---|---|---|\n")
        for m in spe:
            fh.write("| %s | %d | %r | %r | %r | %s |\n" % (m["case"], m["n"], m["spearman_midrank"],
                     m["spearman_ordinal_stable"], m["pearson"], m["note"]))
        fh.write("\n## recall_at_one/ (§2.6)\n\n| case | n | d | R@1 | R-AUROC | min margin | note |\n|---|---|---|---|---|---|---|\n")
        for m in rec:
            fh.write("| %s | %d | %d | %r | %r | %.3g | %s |\n" % (m["case"], m["n"], m["d"], m["recall_at_one"],
                     m["r_auroc"], m["min_margin"] if m["min_margin"] is not None else float("inf"), m["note"]))


if __name__ == "__main__":
    main()
