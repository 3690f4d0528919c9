#!/usr/bin/python3
"""Reference vectors for the batched ranking modes (uq_metrics.md §2.3): columns, one-vs-rest and CSR segments.

Run with the Debian interpreter (sklearn 1.2.1 / scipy 1.10.1 / numpy 1.24.2):

    /usr/bin/python3 tests/reference/make_ranking_batched_vectors.py

Scores are float32 and saved exactly; references are float64 computed from those exact values. Each case folder
tests/data/ranking_batched/<case>/ holds:

  meta.json   mode ("columns" | "ovr" | "segments"), shapes, per-segment n_pos / n_neg / twice_u / status
              (0 Ok, 1 OneClass, 3 Empty — the UqKernels RankingStatus values), averages, library versions
  scores.npy  float32  columns: [N, K] row-major (samples × columns); ovr: [N, C] probabilities (rows sum to 1);
                       segments: [total] concatenated
  labels.npy  uint8 [N] (columns) or [total] (segments); int32 [N] class labels (ovr)
  offsets.npy int32 [S + 1] (segments only)
  auroc.npy   float64 [K] per-segment AUROC (NaN when undefined)
  ap.npy      float64 [K] per-segment AP (NaN without positives; 1.0 when all positive)

References: columns — roc_auc_score / average_precision_score per column, and the multilabel-indicator call
roc_auc_score(tile(y), S, average='macro'/'weighted') for the averages; ovr — roc_auc_score(y, P,
multi_class='ovr', average=None/'macro'/'weighted') and average_precision_score(1[y = c], P[:, c]); segments —
per-segment calls (undefined segments are NaN: sklearn 1.2.1 raises there; a segment with ±inf is passed to sklearn
as its dense rank, which sklearn accepts and which leaves both metrics unchanged), averages over defined segments only
("macro_ignoring_undefined", "weighted_ignoring_undefined").
"""
import json
import os
import shutil

import numpy as np
import scipy
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ranking_batched")


def twice_u(scores, labels):
    s = scores.astype(np.float64)
    uniq, inv = np.unique(s, return_inverse=True)
    pos = np.bincount(inv, weights=(labels == 1), minlength=len(uniq)).astype(np.int64)
    neg = np.bincount(inv, weights=(labels == 0), minlength=len(uniq)).astype(np.int64)
    total, below = 0, 0
    for p, q in zip(pos.tolist(), neg.tolist()):
        total += p * (2 * below + q)
        below += q
    return total


def segment_reference(scores, labels):
    """(auroc, ap, n_pos, n_neg, twice_u, status) of one binary segment."""
    n1 = int((labels == 1).sum())
    n0 = int((labels == 0).sum())
    if n1 + n0 == 0:
        return float("nan"), float("nan"), 0, 0, 0, 3
    if n1 == 0 or n0 == 0:
        return float("nan"), (1.0 if n1 > 0 else float("nan")), n1, n0, 0, 1
    s64 = scores.astype(np.float64)
    if not np.isfinite(s64).all():
        # sklearn rejects ±inf: rank on the dense rank instead (an order-preserving injective map, §4.2).
        _, s64 = np.unique(s64, return_inverse=True)
        s64 = s64.astype(np.float64)
    auroc = float(roc_auc_score(labels, s64))
    ap = float(average_precision_score(labels, s64))
    tu = twice_u(scores, labels)
    assert abs(tu / (2 * n1 * n0) - auroc) <= 1e-15
    return auroc, ap, n1, n0, tu, 0


def versions():
    return {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__}


def save(name, meta, arrays):
    folder = os.path.join(ROOT, name)
    os.makedirs(folder, exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(folder, key + ".npy"), value)
    meta = dict(meta, case=name, **versions())
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def columns_case(name, S, y, note):
    S = np.ascontiguousarray(S, dtype=np.float32)
    y = np.asarray(y, dtype=np.uint8)
    n, k = S.shape
    refs = [segment_reference(S[:, c], y) for c in range(k)]
    Y = np.tile(y[:, None], (1, k))
    s64 = S.astype(np.float64)
    meta = {
        "mode": "columns", "note": note, "samples": n, "columns": k,
        "n_pos": [r[2] for r in refs], "n_neg": [r[3] for r in refs], "twice_u": [r[4] for r in refs],
        "status": [r[5] for r in refs],
        "macro_auroc": float(roc_auc_score(Y, s64, average="macro")),
        "weighted_auroc": float(roc_auc_score(Y, s64, average="weighted")),
        "macro_ap": float(average_precision_score(Y, s64, average="macro")),
        "weighted_ap": float(average_precision_score(Y, s64, average="weighted")),
    }
    return save(name, meta, {
        "scores": S, "labels": y,
        "auroc": np.array([r[0] for r in refs]), "ap": np.array([r[1] for r in refs]),
    })


def ovr_case(name, P, y, note):
    P = np.ascontiguousarray(P, dtype=np.float32)
    y = np.asarray(y, dtype=np.int32)
    n, c = P.shape
    p64 = P.astype(np.float64)
    assert np.allclose(p64.sum(axis=1), 1.0)
    assert sorted(set(y.tolist())) == list(range(c)), "sklearn takes the classes from the labels: all must occur"
    per_class = roc_auc_score(y, p64, multi_class="ovr", average=None)
    refs = [segment_reference(P[:, k], (y == k).astype(np.uint8)) for k in range(c)]
    for k in range(c):
        assert abs(refs[k][0] - per_class[k]) <= 1e-15
    meta = {
        "mode": "ovr", "note": note, "samples": n, "classes": c,
        "n_pos": [r[2] for r in refs], "n_neg": [r[3] for r in refs], "twice_u": [r[4] for r in refs],
        "status": [r[5] for r in refs],
        "macro_auroc": float(roc_auc_score(y, p64, multi_class="ovr", average="macro")),
        "weighted_auroc": float(roc_auc_score(y, p64, multi_class="ovr", average="weighted")),
        "macro_ap": float(np.mean([r[1] for r in refs])),
        "weighted_ap": float(np.average([r[1] for r in refs], weights=[r[2] for r in refs])),
    }
    return save(name, meta, {
        "scores": P, "labels": y,
        "auroc": np.array(per_class, dtype=np.float64), "ap": np.array([r[1] for r in refs]),
    })


def segments_case(name, parts, note):
    scores = np.concatenate([np.asarray(p[0], np.float32) for p in parts]) if parts else np.zeros(0, np.float32)
    labels = np.concatenate([np.asarray(p[1], np.uint8) for p in parts])
    offsets = np.zeros(len(parts) + 1, np.int32)
    offsets[1:] = np.cumsum([len(p[0]) for p in parts])
    refs = [segment_reference(scores[offsets[i]:offsets[i + 1]], labels[offsets[i]:offsets[i + 1]]) for i in range(len(parts))]
    au = np.array([r[0] for r in refs])
    ap = np.array([r[1] for r in refs])
    npos = np.array([r[2] for r in refs], dtype=np.float64)
    ok_au = ~np.isnan(au)
    ok_ap = ~np.isnan(ap)
    meta = {
        "mode": "segments", "note": note, "segments": len(parts),
        "n_pos": [r[2] for r in refs], "n_neg": [r[3] for r in refs], "twice_u": [r[4] for r in refs],
        "status": [r[5] for r in refs],
        "macro_auroc_ignoring_undefined": float(au[ok_au].mean()),
        "weighted_auroc_ignoring_undefined": float(np.average(au[ok_au], weights=npos[ok_au])),
        "macro_ap_ignoring_undefined": float(ap[ok_ap].mean()),
        "weighted_ap_ignoring_undefined": float(np.average(ap[ok_ap], weights=npos[ok_ap])),
    }
    return save(name, meta, {"scores": scores, "labels": labels, "offsets": offsets, "auroc": au, "ap": ap})


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    rng = np.random.default_rng(20261124)
    metas = []

    n, k = 600, 7
    y = (rng.random(n) < 0.35).astype(np.uint8)
    S = rng.standard_normal((n, k)) + np.linspace(0, 1.5, k)[None, :] * y[:, None]
    metas.append(columns_case("columns_random", S, y, "7 columns of normals, shift rising with the column"))
    metas.append(columns_case("columns_ties", np.round(S, 1), y, "np.round(s, 1): heavy ties"))
    St = S.copy()
    St[:, 0] = 0.25  # constant column
    St[:, 1] = np.round(St[:, 1] * 2)  # integers
    St[:, 2] = -St[:, 2]
    metas.append(columns_case("columns_mixed", St, y, "a constant column, an integer column, a negated column"))
    yi = (rng.random(2000) < 0.03).astype(np.uint8)
    yi[0] = 1
    Si = rng.standard_normal((2000, 5)) + 1.2 * yi[:, None]
    metas.append(columns_case("columns_imbalanced", Si, yi, "3% positives"))

    n, c = 800, 6
    y = np.arange(n) % c
    rng.shuffle(y)
    logits = rng.standard_normal((n, c)) + 1.5 * np.eye(c)[y]
    metas.append(ovr_case("ovr_random", softmax(logits), y, "softmax of normals with +1.5 on the true class"))
    protos = softmax(rng.standard_normal((12, c)) * 2).astype(np.float32)
    rows = rng.integers(0, 12, size=n)
    yt = np.arange(n) % c
    rng.shuffle(yt)
    metas.append(ovr_case("ovr_ties", protos[rows], yt, "rows drawn from 12 prototype distributions: heavy ties"))
    c2 = 10
    y2 = np.where(rng.random(1500) < 0.6, 0, rng.integers(1, c2, size=1500))
    y2[:c2] = np.arange(c2)
    metas.append(ovr_case("ovr_imbalanced", softmax(rng.standard_normal((1500, c2)) + 2.0 * np.eye(c2)[y2]), y2,
                          "class 0 ≈ 60%, the other 9 share the rest"))

    parts = []
    yb = (rng.random(300) < 0.4).astype(np.uint8)
    parts.append((rng.standard_normal(300) + yb, yb))                                          # random
    parts.append((np.round(rng.standard_normal(250), 1), (rng.random(250) < 0.5).astype(np.uint8)))  # ties
    ys = np.zeros(400, np.uint8)
    ys[:5] = 1
    parts.append((rng.standard_normal(400) + 2 * ys, ys))                                       # imbalanced
    parts.append((rng.standard_normal(20), np.zeros(20, np.uint8)))                            # all negative
    parts.append((rng.standard_normal(15), np.ones(15, np.uint8)))                             # all positive
    parts.append((np.zeros(0), np.zeros(0, np.uint8)))                                          # empty
    parts.append((np.full(30, 0.5), (np.arange(30) % 3 == 0).astype(np.uint8)))                 # constant
    parts.append(([0.7], [1]))                                                                  # single element
    parts.append(([0.2, 0.9], [1, 0]))                                                          # reversed pair
    parts.append((np.array([np.inf, -np.inf, np.inf, 0.0, -0.0, 1.0]), [1, 0, 0, 1, 0, 1]))      # infinities, zeros
    metas.append(segments_case("segments_mixed", parts, "random, ties, imbalanced, one-class, empty, constant, n=1, ±inf/±0"))

    with open(os.path.join(ROOT, "README.md"), "w") as f:
        f.write("# Batched ranking reference vectors\n\n")
        f.write("Generated by `/usr/bin/python3 tests/reference/make_ranking_batched_vectors.py` (Debian sklearn %s, "
                "scipy %s, numpy %s). See the script's docstring for the file layout.\n\n"
                % (sklearn.__version__, scipy.__version__, np.__version__))
        f.write("| case | mode | note |\n|---|---|---|\n")
        for m in metas:
            f.write("| %s | %s | %s |\n" % (m["case"], m["mode"], m["note"]))


if __name__ == "__main__":
    main()
