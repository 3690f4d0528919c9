#!/usr/bin/python3
"""Reference cases of `uqk eval auroc | ovr | aurc | spearman` / `uqk validate`, cut from the ranking vectors.

    /usr/bin/python3 tests/reference/make_ranking_eval_cases.py

`uqk validate` reads reference cases as tests/data/eval/<family>/<case>/{<input>.npy, <output>.npy, meta.json}
(UqKernels.Validation.ReferenceCase), where every expected output is an .npy named like the eval kernel's output. The
ranking ground truth lives in other layouts (tests/data/ranking from make_ranking_vectors.py, tests/data/ranking_batched
from make_ranking_batched_vectors.py, tests/data/ranking_selective from make_selective_vectors.py, expected values
partly in meta.json). This script computes nothing: it rewrites those cases, inputs unchanged and expected values
copied, into tests/data/eval/{auroc,ranking_ovr,aurc,spearman}. Cases above MAX_N elements are left to the unit
tests so `uqk validate` stays fast. Rerun it after the generators; deterministic; deletes and rewrites those four
folders only.

Families (inputs -> outputs; float64 unless noted):
  auroc        scores [N] or [K, N] f32, labels [N] uint8 -> auroc, ap [K]; twice_u, n_pos, n_neg [K] int64 (compared
               exactly); the [K, N] cases are ranking_batched's columns cases transposed
  ranking_ovr  probabilities [N, C] f32, labels [N] int32 -> auroc, ap, twice_u, n_pos, n_neg [C];
               macro_auroc, weighted_auroc, macro_ap, weighted_ap [1]
  aurc         uncertainty [N] f32, correct [N] f32, meta tie_policy / start_index / targets ("0.95,0.99") -> aurc,
               cumulative_abstinence_auc, eaurc, oracle_aurc, aulc, raulc, error_rate [1]; coverage_parity,
               coverage_corrected [one per target]
  spearman     x [N], y [N] f32 -> spearman_midrank, spearman_ordinal_stable, pearson [1]
"""

import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))
OUT = os.path.join(DATA, "eval")
MAX_N = 5000


def save(folder, name, array):
    array = np.ascontiguousarray(np.asarray(array))
    np.save(os.path.join(folder, name + ".npy"), array.astype(array.dtype.newbyteorder("<")), allow_pickle=False)


def nan_or(value):
    return np.nan if value is None else value


def fresh(family):
    root = os.path.join(OUT, family)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    return root


def case_folders(source):
    root = os.path.join(DATA, source)
    if not os.path.isdir(root):
        return []
    return [os.path.join(root, name) for name in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, name))]


def meta_of(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        return json.load(f)


def write_meta(folder, meta):
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def auroc_cases():
    root = fresh("auroc")
    for source in case_folders("ranking"):
        meta = meta_of(source)
        if meta["n"] > MAX_N:
            continue
        folder = os.path.join(root, os.path.basename(source))
        os.makedirs(folder)
        save(folder, "scores", np.load(os.path.join(source, "scores.npy")))
        save(folder, "labels", np.load(os.path.join(source, "labels.npy")))
        save(folder, "auroc", np.load(os.path.join(source, "auroc.npy")))
        save(folder, "ap", np.load(os.path.join(source, "ap.npy")))
        save(folder, "twice_u", np.array([meta["twice_u"]], dtype=np.int64))
        save(folder, "n_pos", np.array([meta["n_pos"]], dtype=np.int64))
        save(folder, "n_neg", np.array([meta["n_neg"]], dtype=np.int64))
        write_meta(folder, {"dtype": "f64" if meta.get("dtype") == "f64" else "f32", "note": meta.get("note", ""),
                            "source": f"tests/data/ranking/{os.path.basename(source)}"})


def batched_cases(mode):
    for source in case_folders("ranking_batched"):
        meta = meta_of(source)
        if meta["mode"] == mode:
            yield source, meta


def write_batched_expected(folder, source, meta):
    save(folder, "auroc", np.load(os.path.join(source, "auroc.npy")))
    save(folder, "ap", np.load(os.path.join(source, "ap.npy")))
    for name in ("twice_u", "n_pos", "n_neg"):
        save(folder, name, np.array(meta[name], dtype=np.int64))


def columns_cases():
    """Columns mode into the auroc family: sample-major [N, K] scores become the eval's [K, N] rows."""
    root = os.path.join(OUT, "auroc")
    for source, meta in batched_cases("columns"):
        folder = os.path.join(root, os.path.basename(source))
        os.makedirs(folder)
        save(folder, "scores", np.load(os.path.join(source, "scores.npy")).T)
        save(folder, "labels", np.load(os.path.join(source, "labels.npy")))
        write_batched_expected(folder, source, meta)
        write_meta(folder, {"dtype": "f32", "note": meta.get("note", ""),
                            "source": f"tests/data/ranking_batched/{os.path.basename(source)}"})


def ovr_cases():
    root = fresh("ranking_ovr")
    for source, meta in batched_cases("ovr"):
        folder = os.path.join(root, os.path.basename(source))
        os.makedirs(folder)
        save(folder, "probabilities", np.load(os.path.join(source, "scores.npy")))
        save(folder, "labels", np.load(os.path.join(source, "labels.npy")).astype(np.int32))
        write_batched_expected(folder, source, meta)
        for name in ("macro_auroc", "weighted_auroc", "macro_ap", "weighted_ap"):
            save(folder, name, np.array([meta[name]], dtype=np.float64))
        write_meta(folder, {"dtype": "f32", "note": meta.get("note", ""),
                            "source": f"tests/data/ranking_batched/{os.path.basename(source)}"})


def aurc_cases():
    root = fresh("aurc")
    for source in case_folders(os.path.join("ranking_selective", "selective")):
        meta = meta_of(source)
        if meta["n"] > MAX_N:
            continue
        for policy, key in (("averaged", "tie_averaged"), ("stable", "stable")):
            expected = meta[key]
            folder = os.path.join(root, f"{os.path.basename(source)}_{policy}")
            os.makedirs(folder)
            save(folder, "uncertainty", np.load(os.path.join(source, "u.npy")))
            save(folder, "correct", np.load(os.path.join(source, "c.npy")))
            for name in ("aurc", "cumulative_abstinence_auc", "eaurc", "oracle_aurc", "aulc", "raulc", "error_rate"):
                save(folder, name, np.array([nan_or(expected[name])], dtype=np.float64))
            for name in ("coverage_parity", "coverage_corrected"):
                save(folder, name, np.array([nan_or(v) for v in expected[name]], dtype=np.float64))
            write_meta(folder, {"dtype": "f32", "tie_policy": policy, "start_index": meta["start_index"],
                                "targets": ",".join(repr(float(t)) for t in meta["targets"]),
                                "note": meta.get("note", ""),
                                "source": f"tests/data/ranking_selective/selective/{os.path.basename(source)}"})


def spearman_cases():
    root = fresh("spearman")
    for source in case_folders(os.path.join("ranking_selective", "spearman")):
        meta = meta_of(source)
        if meta["n"] > MAX_N:
            continue
        folder = os.path.join(root, os.path.basename(source))
        os.makedirs(folder)
        save(folder, "x", np.load(os.path.join(source, "x.npy")))
        save(folder, "y", np.load(os.path.join(source, "y.npy")))
        for name in ("spearman_midrank", "spearman_ordinal_stable", "pearson"):
            save(folder, name, np.array([nan_or(meta[name])], dtype=np.float64))
        write_meta(folder, {"dtype": "f32", "note": meta.get("note", ""),
                            "source": f"tests/data/ranking_selective/spearman/{os.path.basename(source)}"})


if __name__ == "__main__":
    auroc_cases()
    columns_cases()
    ovr_cases()
    aurc_cases()
    spearman_cases()
