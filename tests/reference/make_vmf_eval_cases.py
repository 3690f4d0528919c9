#!/usr/bin/python3
"""Reference cases of `uqk eval vmf` / `uqk validate` in the entropy-family layout, cut from the vMF vectors.

    /usr/bin/python3 tests/reference/make_vmf_eval_cases.py

`uqk validate` reads reference cases as tests/data/eval/<family>/<case>/{<input>.npy, <output>.npy, meta.json}
(UqKernels.Validation.ReferenceCase). The von Mises-Fisher ground truth lives in another layout, tests/data/vmf
(written by tests/reference/make_vmf_vectors.py at 60 mpmath digits, one flat set of scalar_*.npy arrays over many d).
This script computes nothing: it selects every point of a few dimensions from tests/data/vmf/scalar_*.npy and
rewrites them as one case folder per (dtype, d) in tests/data/eval/vmf/. Rerun it after make_vmf_vectors.py.
Deterministic; deletes and rewrites tests/data/eval/vmf only.

Per case: kappa.npy [N] (float32 or float64: every stored kappa is exact in float32), meta.json
{"dtype", "dim", "note", "source"}, and the float64 expected outputs
log_c, delta_l, log_ce, a, one_minus_a, a_prime, entropy, kl_uniform (see tests/data/vmf/README.md).

`uqk validate` compares f64 cases with Tolerance.F64 (1e-12 + 1e-12 |ref|) and f32 cases with Tolerance.F32
(2e-6 + 2e-6 |ref|). Both hold at every d: the f32 operation computes in f64 and rounds once (in f32 arithmetic, log C
near its zero crossing at large d and the entropy near 0 at small d would not meet the f32 bound).
"""

import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", "data", "vmf"))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "eval", "vmf"))

# (dtype, d): across the range (d = 2, a moderate and the largest d) in f64; f32 adds d = 3 and d = 512.
CASES = [("f64", 2), ("f64", 64), ("f64", 65536), ("f32", 2), ("f32", 3), ("f32", 512), ("f32", 65536)]

# output name in the eval kernel -> tests/data/vmf file
OUTPUTS = {
    "log_c": "scalar_log_c",
    "delta_l": "scalar_delta_log_c",
    "log_ce": "scalar_log_ce",
    "a": "scalar_a",
    "one_minus_a": "scalar_one_minus_a",
    "a_prime": "scalar_a_prime",
    "entropy": "scalar_entropy",
    "kl_uniform": "scalar_kl_uniform",
}


def load(name):
    return np.load(os.path.join(SOURCE, name + ".npy"), allow_pickle=False)


def save(folder, name, array):
    array = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<")))
    np.save(os.path.join(folder, name + ".npy"), array, allow_pickle=False)


def main():
    d = load("scalar_d")
    kappa = load("scalar_kappa")
    expected = {name: load(source) for name, source in OUTPUTS.items()}
    shutil.rmtree(OUT, ignore_errors=True)
    total = 0
    for dtype, dim in CASES:
        rows = np.nonzero(d == dim)[0]
        assert rows.size > 0, dim
        k = kappa[rows]
        stored = k.astype(np.float32 if dtype == "f32" else np.float64)
        assert np.array_equal(stored.astype(np.float64), k), "every kappa must be exact in float32"
        folder = os.path.join(OUT, f"{dtype}_d{dim}")
        os.makedirs(folder)
        save(folder, "kappa", stored)
        for name, values in expected.items():
            save(folder, name, values[rows].astype(np.float64) + 0.0)
        meta = {
            "dtype": dtype,
            "dim": int(dim),
            "source": f"tests/data/vmf scalar_*.npy rows with d == {dim} (mpmath, 60 digits)",
            "note": ("f32 case: d chosen where Tolerance.F32 (2e-6 + 2e-6|ref|) holds for every output with margin; "
                     "it does not at every d (see tests/reference/make_vmf_eval_cases.py)") if dtype == "f32"
                    else "f64 case: Tolerance.F64 (1e-12 + 1e-12|ref|)",
            "generator": {"script": "tests/reference/make_vmf_eval_cases.py", "numpy": np.__version__},
        }
        with open(os.path.join(folder, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True, allow_nan=False)
            f.write("\n")
        total += rows.size
        print(f"{dtype}_d{dim}: {rows.size} points")
    print(f"{len(CASES)} cases, {total} points in {OUT}")


if __name__ == "__main__":
    main()
