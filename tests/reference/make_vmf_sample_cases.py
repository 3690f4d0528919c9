#!/usr/bin/python3
"""Reference cases for `uqk validate` of the `vmf-sample` eval kernel (tests/data/eval/vmf_sample/).

An independent float64 implementation of the sampler *specification* (vmf_mcinfonce.md §4 and the counter layout
documented in kernels/UqKernels.Kernels/Vmf/VmfSampler.cs), written from the math, not from the C# code:

* Philox4x32-10 (Salmon et al. 2011), checked here against the Random123 known-answer vectors;
* Box-Muller with math.cos/math.sin (the C# side uses an integer-reduced polynomial);
* Marsaglia-Tsang Gamma in its textbook test  log U < z^2/2 + delta - delta*v + delta*log v;
* Wood's test in its textbook form  kappa*w + m*log(1 - x0*w) - c >= log u;
* d = 3 inversion  w = 1 + log(u + (1-u) e^{-2 kappa}) / kappa;
* x = w*mu + sqrt(1-w^2) * p/|p|,  p = g - (g.mu) mu.

Rejection decisions are discrete: every decision's margin is recorded and the generator refuses a case whose
smallest margin is below 1e-6 (so f32 rounding on the device cannot flip a decision). numpy's Philox is the 4x64
variant, so the 4x32 KAT is checked against Random123's published vectors instead.
"""
import json
import math
import os
import sys

import numpy as np

M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32(c, k, rounds=10):
    c0, c1, c2, c3 = c
    k0, k1 = k
    for r in range(rounds):
        if r > 0:
            k0 = (k0 + W0) & MASK
            k1 = (k1 + W1) & MASK
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK, p1 & MASK, ((p0 >> 32) ^ c3 ^ k1) & MASK, p0 & MASK
    return c0, c1, c2, c3


# Random123 tests/kat_vectors, philox4x32 10 lines.
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((MASK,) * 4, (MASK, MASK), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]
for counter, key, expected in KAT:
    assert philox4x32(counter, key) == expected, (counter, key)


class Stream:
    def __init__(self, seed, offset, element, sample):
        self.key = (seed & MASK, (seed >> 32) & MASK)
        self.element, self.sample = element, sample
        self.offset = offset

    def block(self, draw):
        half = (self.offset << 20) + draw
        return philox4x32((self.element, self.sample, half & MASK, (half >> 32) & MASK), self.key)


def u32(x):
    return (x + 1) / 2.0**32


def u53(hi, lo):
    return (((hi << 21) | (lo >> 11)) + 1) / 2.0**53


def box_muller(a, b):
    r = math.sqrt(-2.0 * math.log(u32(a)))
    t = 2.0 * math.pi * b / 2.0**32
    return r * math.cos(t), r * math.sin(t)


def sample_w(stream, d, kappa, tangent_blocks, margins):
    m = d - 1.0
    if d == 3:
        x = stream.block(tangent_blocks)
        u = u53(x[2], x[3])
        if kappa < 1e-30:
            return 2 * u - 1
        if kappa < 0.5:
            return 1.0 - (-math.log1p((1 - u) * math.expm1(-2 * kappa)) / kappa)
        return 1.0 + math.log(u + (1 - u) * math.exp(-2 * kappa)) / kappa
    b = m / (2 * kappa + math.sqrt(4 * kappa * kappa + m * m))
    x0 = (1 - b) / (1 + b)
    c = kappa * x0 + m * math.log(1 - x0 * x0)
    delta = m / 2 - 1.0 / 3.0
    scale = 1.0 / math.sqrt(9 * delta) if delta > 0 else 0.0
    for k in range(64):
        base = tangent_blocks + 17 * k
        x = stream.block(base)
        log_u = math.log(u53(x[0], x[1]))
        if d == 2:
            e = math.sin(2.0 * math.pi * (x[2] >> 2) / 2.0**32) ** 2  # sin²(πU/2), U = (x >> 2)/2^30
        else:
            v = [None, None]
            for j in range(16):
                g = stream.block(base + 1 + j)
                zs = box_muller(g[0], g[1])
                for i in range(2):
                    if v[i] is not None:
                        continue
                    y = scale * zs[i]
                    if y <= -1:
                        continue
                    vv = (1 + y) ** 3
                    rhs = 0.5 * zs[i] ** 2 + delta - delta * vv + delta * math.log(vv)
                    lu = math.log(u32(g[2 + i]))
                    margins.append(abs(rhs - lu) / max(1.0, abs(lu)))
                    if lu < rhs:
                        v[i] = vv
                if v[0] is not None and v[1] is not None:
                    break
            if v[0] is None or v[1] is None:
                continue
            e = v[0] / (v[0] + v[1])
        w = (1 - (1 + b) * e) / (1 - (1 - b) * e)
        lhs = kappa * w + m * math.log(1 - x0 * w) - c
        margins.append(abs(lhs - log_u) / max(1.0, abs(log_u)))
        if lhs >= log_u:
            return w
    return float("nan")


def draw(mu, kappa, samples, seed, offset):
    n, d = mu.shape
    tangent_blocks = (d + 3) // 4
    x = np.zeros((n, samples, d))
    ws = np.zeros((n, samples))
    margins = []
    for i in range(n):
        mu_hat = mu[i].astype(np.float64) / np.linalg.norm(mu[i].astype(np.float64))
        for s in range(samples):
            stream = Stream(seed, offset, i, s)
            w = sample_w(stream, d, float(kappa[i]), tangent_blocks, margins)
            g = []
            for blk in range(tangent_blocks):
                q = stream.block(blk)
                g.extend(box_muller(q[0], q[1]) + box_muller(q[2], q[3]))
            g = np.array(g[:d])
            p = g - (g @ mu_hat) * mu_hat
            t = p / np.linalg.norm(p)
            x[i, s] = w * mu_hat + math.sqrt((1 - w) * (1 + w)) * t
            ws[i, s] = w
    return x, ws, (min(margins) if margins else 1.0)


def unit_rows(rng, n, d):
    v = rng.standard_normal((n, d))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


CASES = [
    # name, dtype, d, kappas, samples, seed, offset
    ("d3_f64", np.float64, 3, [0.0, 0.2, 5.0, 1e4], 6, 12345, 0),
    ("d2_f64", np.float64, 2, [0.0, 3.0, 200.0], 6, 7, 3),
    ("d16_f64", np.float64, 16, [0.0, 1.0, 16.0, 1000.0], 5, 2024, 17),
    ("d64_f32", np.float32, 64, [0.5, 50.0, 3000.0], 4, 99, 1),
    ("d7_f32", np.float32, 7, [0.0, 2.0, 40.0], 6, 31337, 5),
]


def main(root):
    rng = np.random.default_rng(20240607)
    out_root = os.path.join(root, "tests", "data", "eval", "vmf_sample")
    for name, dtype, d, kappas, samples, seed, offset in CASES:
        mu = unit_rows(rng, len(kappas), d).astype(dtype)
        kappa = np.array(kappas, dtype=dtype)
        x, w, margin = draw(mu, kappa, samples, seed, offset)
        if margin < 1e-6:
            sys.exit(f"{name}: a rejection decision is within {margin:.1e} of its threshold; pick another seed")
        folder = os.path.join(out_root, name)
        os.makedirs(folder, exist_ok=True)
        np.save(os.path.join(folder, "mu.npy"), mu)
        np.save(os.path.join(folder, "kappa.npy"), kappa)
        np.save(os.path.join(folder, "samples.npy"), x.astype(dtype))
        np.save(os.path.join(folder, "w.npy"), w.astype(dtype))
        meta = {
            "dtype": "f64" if dtype == np.float64 else "f32",
            "samples": samples,
            "seed": seed,
            "offset": offset,
            "mode": "exact",
            "min_decision_margin": margin,
            "generator": {"script": "tests/reference/make_vmf_sample_cases.py", "numpy": np.__version__,
                          "python": sys.version.split()[0]},
            "note": "independent float64 implementation of the sampler spec and counter layout; inputs are rounded "
                    "to dtype first, so f32 cases compare the f32 kernel against f64 math on the same inputs",
        }
        with open(os.path.join(folder, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        print(f"{name}: {x.shape}, min decision margin {margin:.2e}")


if __name__ == "__main__":
    main(os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
