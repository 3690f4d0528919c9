#!/usr/bin/python3
"""Reference vectors for the ranking family (uq_metrics.md §2.1–2.4, §3): binary AUROC and average precision.

Run with the Debian interpreter (it has sklearn 1.2.1 / scipy 1.10.1 / numpy 1.24.2):

    /usr/bin/python3 tests/reference/make_ranking_vectors.py

Scores are generated in float32 and saved exactly (scores.npy, <f4); every reference is computed in float64 from
those exact float32 values (never re-derived from anything else), so the tie structure is that of the f32 input.
Each case folder tests/data/ranking/<case>/ holds:

  scores.npy  float32 [n]    the scores (higher = more like the positive class)
  labels.npy  uint8   [n]    0/1 labels
  auroc.npy   float64 [1]    sklearn.metrics.roc_auc_score(labels, scores)
  ap.npy      float64 [1]    sklearn.metrics.average_precision_score(labels, scores)
  meta.json   n, n_pos, n_neg, twice_u (exact integer 2U), the Mann–Whitney cross-check, sklearn/scipy/numpy versions

sklearn 1.2.1 rejects ±inf scores, so for cases with infinities the reference replaces each distinct value by its
dense rank (an order-preserving injective map, uq_metrics.md §4.2) before calling sklearn; meta.json says so
("reference_on": "dense_rank"). −0.0 and +0.0 are one value (they compare equal, so numpy/sklearn tie them).
"""
import json
import os
import shutil

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ranking")


def twice_u(scores, labels):
    """Exact 2U = Σ_g pos_g·(2·negBelow_g + neg_g) over tie groups (Python ints)."""
    s = scores.astype(np.float64)
    uniq, inv = np.unique(s, return_inverse=True)  # −0.0 == +0.0 so they share a group
    pos = np.bincount(inv, weights=(labels == 1), minlength=len(uniq)).astype(np.int64)
    neg = np.bincount(inv, weights=(labels == 0), minlength=len(uniq)).astype(np.int64)
    total, below = 0, 0
    for p, q in zip(pos.tolist(), neg.tolist()):
        total += p * (2 * below + q)
        below += q
    return total


def write_case(name, scores, labels, note):
    scores = np.asarray(scores, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.uint8)
    assert scores.shape == labels.shape and scores.ndim == 1
    assert not np.isnan(scores).any()
    n1 = int((labels == 1).sum())
    n0 = int((labels == 0).sum())
    assert n1 > 0 and n0 > 0
    s64 = scores.astype(np.float64)
    reference_on = "scores"
    if not np.isfinite(s64).all():
        _, s64 = np.unique(s64, return_inverse=True)
        s64 = s64.astype(np.float64)
        reference_on = "dense_rank"
    auroc = float(roc_auc_score(labels, s64))
    ap = float(average_precision_score(labels, s64))
    mw = scipy.stats.mannwhitneyu(s64[labels == 1], s64[labels == 0])
    mw_auroc = float(mw.statistic) / (n1 * n0)
    tu = twice_u(scores, labels)
    assert abs(mw_auroc - auroc) <= 1e-12, (name, mw_auroc, auroc)
    assert abs(tu / (2 * n1 * n0) - auroc) <= 1e-15, (name, tu, auroc)
    folder = os.path.join(ROOT, name)
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "scores.npy"), scores)
    np.save(os.path.join(folder, "labels.npy"), labels)
    np.save(os.path.join(folder, "auroc.npy"), np.array([auroc], dtype=np.float64))
    np.save(os.path.join(folder, "ap.npy"), np.array([ap], dtype=np.float64))
    meta = {
        "case": name,
        "dtype": "f32",
        "note": note,
        "n": int(scores.size),
        "n_pos": n1,
        "n_neg": n0,
        "twice_u": tu,
        "distinct_scores": int(np.unique(scores.astype(np.float64)).size),
        "reference_on": reference_on,
        "mannwhitneyu_auroc": mw_auroc,
        "sklearn": sklearn.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
    }
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    rng = np.random.default_rng(20261123)
    metas = []

    def add(name, s, y, note):
        metas.append(write_case(name, s, y, note))

    # uq_metrics.md §2.2 worked example.
    add("worked_example", [0.1, 0.5, 0.5, 0.9, 0.2, 0.9, 0.5], [0, 0, 1, 1, 1, 0, 1], "spec §2.2 worked example")

    n = 2000
    y = (rng.random(n) < 0.4).astype(np.uint8)
    s = (rng.standard_normal(n) + 0.8 * y).astype(np.float32)
    add("random_n2000", s, y, "normal scores shifted by 0.8 for positives")
    add("ties_round1", np.round(s, 1), y, "np.round(s, 1) of random_n2000 (heavy ties)")
    add("ties_integer", np.round(s * 2), y, "integer scores round(2s)")

    yi = (rng.random(5000) < 0.02).astype(np.uint8)
    yi[0] = 1
    si = (rng.standard_normal(5000) + 1.5 * yi).astype(np.float32)
    add("imbalanced_2pct", si, yi, "2% positives")

    add("constant", np.full(50, 0.25, np.float32), (rng.random(50) < 0.3).astype(np.uint8) | np.eye(1, 50, 0, dtype=np.uint8)[0],
        "constant scores: AUROC 0.5, AP n1/n")
    add("all_equal_zero", np.zeros(9, np.float32), [1, 0, 0, 1, 0, 0, 0, 1, 0], "all scores 0.0")
    add("one_per_class", [0.3, 0.7], [1, 0], "n = 1 per class, reversed (AUROC 0)")
    add("one_per_class_tied", [0.5, 0.5], [0, 1], "n = 1 per class, tied (AUROC 0.5)")
    add("one_per_class_sep", [-1.0, 2.0], [0, 1], "n = 1 per class, separated (AUROC 1)")

    sinf = np.array([np.inf, -np.inf, np.inf, 0.5, -np.inf, 3.0, np.inf, -2.0, -np.inf, 1e30], np.float32)
    add("infinities", sinf, [1, 0, 0, 1, 1, 0, 1, 0, 0, 1], "±inf are ordinary ordered values; equal infinities tie")

    sz = np.array([-0.0, 0.0, -0.0, 0.0, 1e-45, -1e-45, -0.0, 0.0], np.float32)
    add("signed_zeros", sz, [1, 0, 0, 1, 1, 0, 0, 1], "−0.0 and +0.0 tie; ±denormal neighbours are distinct")

    nl = 100_000
    yl = (rng.random(nl) < 0.3).astype(np.uint8)
    sl = np.round(rng.standard_normal(nl) + 0.5 * yl, 2).astype(np.float32)
    add("large_n100k_ties", sl, yl, "n = 100k, scores rounded to 0.01 (f32)")

    with open(os.path.join(ROOT, "README.md"), "w") as f:
        f.write("# Ranking reference vectors\n\n")
        f.write("Generated by `/usr/bin/python3 tests/reference/make_ranking_vectors.py` (Debian sklearn %s, scipy %s, numpy %s).\n"
                % (sklearn.__version__, scipy.__version__, np.__version__))
        f.write("See the script's docstring for the file layout. f32 scores are saved exactly; references are f64 from those values.\n\n")
        f.write("| case | n | n_pos | 2U | note |\n|---|---|---|---|---|\n")
        for m in metas:
            f.write("| %s | %d | %d | %d | %s |\n" % (m["case"], m["n"], m["n_pos"], m["twice_u"], m["note"]))


if __name__ == "__main__":
    main()
