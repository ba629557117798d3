#!/usr/bin/env python3
"""Extra test vectors for optim/, in the shared format of testdata/vectors (spec §4), made with the
independent numpy reference scripts/ref.py (nothing here comes from our TypeScript).

    python3 optim/testdata/gen_vectors.py            # rewrites optim/testdata/vectors/*.json

Covers what testdata/vectors lacks: Lion / RMSprop / Adagrad 8-bit, weight decay for every rule, every
block size 64..4096, non-finite gradients and all-zero blocks in the 1-state kernels, and the 32-bit
(bnb fallback) Adam and Momentum paths. Files are kept small (n <= 1100, 2 steps; 3 for the non-finite cases).
The 32-bit Lion/RMSprop/Adagrad files use `_one_state32` below, written from the spec's description of
kOptimizer32bit1State (ref.py has no 32-bit version of those).
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import ref  # noqa: E402

F32 = np.float32
f32 = np.float32
OUT = os.path.join(HERE, "vectors")

KERNEL_1STATE = "kOptimizerStatic8bit1StateBlockwise<float, {}, B, N>"
KERNEL_2STATE = "kOptimizerStatic8bit2StateBlockwise<float, ADAM, B, N>"
COMMON = {"generator": "optim/testdata/gen_vectors.py via scripts/ref.py (numpy " + np.__version__ + ")",
          "arithmetic": "float32 round-to-nearest per operation, CUDA source order, no FMA",
          "reference": "bitsandbytes-foundation/bitsandbytes@95f9af309d4d5793847169c39288dcd3fcbdf564"}


def gradients(rng, n, steps, bs, special):
    gs = []
    for s in range(steps):
        g = (rng.standard_normal(n) * 0.01).astype(F32)
        if special:
            g[bs:2 * bs] = 0.0  # an all-zero block
            if s == 1:
                g[3] = np.nan
                g[5] = np.inf
                g[6] = -np.inf
                g[7] = -0.0
        gs.append(g)
    return gs


def one_state8(name, n, bs, seed, hyper, steps=2, special=False):
    rng = np.random.default_rng(seed)
    p = (rng.standard_normal(n) * 0.1).astype(F32)
    nb = -(-n // bs)
    s1 = np.zeros(n, np.uint8)
    a1 = np.zeros(nb, F32)
    label = {"momentum": "bnb.optim.SGD8bit", "lion": "bnb.optim.Lion8bit", "rmsprop": "bnb.optim.RMSprop8bit",
             "adagrad": "bnb.optim.Adagrad8bit"}[name]
    out = {"kernel": KERNEL_1STATE.format(name.upper()), "optimizer": label, "n": n, "blocksize": bs,
           "num_blocks": nb, "seed": seed, "hyper": {**hyper, "gnorm_scale": 1.0}, "qmap1": "dynamic_map_signed.json",
           "init": {"p": ref._arr(p), "state1": "uint8 zeros(n)", "absmax1": "float32 zeros(num_blocks)"},
           "steps": []}
    kw = dict(lr=hyper["lr"], weight_decay=hyper.get("weight_decay", 0.0), blocksize=bs)
    if name == "momentum":
        kw["beta1"] = hyper["momentum"]
    elif name == "lion":
        kw["beta1"], kw["beta2"] = hyper["beta1"], hyper["beta2"]
    elif name == "rmsprop":
        kw["beta1"], kw["eps"] = hyper["alpha"], hyper["eps"]
    else:
        kw["eps"] = hyper["eps"]
    with np.errstate(all="ignore"):
        for s, g in enumerate(gradients(rng, n, steps, bs, special)):
            ref.optim1state8bit_step(name, p, g, s1, a1, s + 1, **kw)
            out["steps"].append({"step": s + 1, "g": ref._arr(g), "p_after": ref._arr(p),
                                 "state1_after": ref._arr(s1), "absmax1_after": ref._arr(a1)})
    return out


def adam8(n, bs, seed, wd, steps=2, special=False):
    rng = np.random.default_rng(seed)
    p = (rng.standard_normal(n) * 0.1).astype(F32)
    st = ref.Adam8bitState(n, bs)
    hyper = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": wd}
    out = {"kernel": KERNEL_2STATE, "optimizer": "bnb.optim.AdamW8bit" if wd > 0 else "bnb.optim.Adam8bit",
           "n": n, "blocksize": bs, "num_blocks": -(-n // bs), "seed": seed, "hyper": {**hyper, "gnorm_scale": 1.0},
           "qmap1": "dynamic_map_signed.json", "qmap2": "dynamic_map_unsigned.json",
           "init": {"p": ref._arr(p), "state1": "uint8 zeros(n)", "state2": "uint8 zeros(n)",
                    "absmax1": "float32 zeros(num_blocks)", "absmax2": "float32 zeros(num_blocks)"},
           "steps": []}
    with np.errstate(all="ignore"):
        for g in gradients(rng, n, steps, bs, special):
            st.update(p, g, **hyper)
            out["steps"].append({"step": st.step, "g": ref._arr(g), "p_after": ref._arr(p),
                                 "state1_after": ref._arr(st.state1), "state2_after": ref._arr(st.state2),
                                 "absmax1_after": ref._arr(st.absmax1), "absmax2_after": ref._arr(st.absmax2)})
    return out


def _one_state32(name, p, g, s1, step, lr, beta1, beta2, eps, wd):
    """kOptimizer32bit1State as the spec describes it (update_scale 1): coupled decay for
    momentum/rmsprop/adagrad, decoupled for lion; the decayed gradient is the numerator."""
    lr, beta1, beta2, eps, wd = f32(lr), f32(beta1), f32(beta2), f32(eps), f32(wd)
    gv = g.astype(F32)
    if wd > 0 and name != "lion":
        gv = (gv + (p * wd).astype(F32)).astype(F32)
    if name == "lion":
        if wd > 0:
            p[:] = (p * f32(f32(1.0) - f32(lr * wd))).astype(F32)
        inner = ((s1 * beta1).astype(F32) + ((f32(1.0) - beta1) * gv).astype(F32)).astype(F32)
        p[:] = (p - (lr * np.sign(inner).astype(F32)).astype(F32)).astype(F32)
        s1[:] = ((s1 * beta2).astype(F32) + ((f32(1.0) - beta2) * gv).astype(F32)).astype(F32)
    elif name == "rmsprop":
        s1[:] = ((s1 * beta1).astype(F32) + ((f32(1.0) - beta1) * (gv * gv).astype(F32)).astype(F32)).astype(F32)
        q = (gv / (np.sqrt(s1).astype(F32) + eps).astype(F32)).astype(F32)
        p[:] = (p + (-lr * q).astype(F32)).astype(F32)
    else:
        s1[:] = (s1 + (gv * gv).astype(F32)).astype(F32)
        q = (gv / (np.sqrt(s1).astype(F32) + eps).astype(F32)).astype(F32)
        p[:] = (p + (-lr * q).astype(F32)).astype(F32)


def state32(name, n, seed, hyper, steps=2):
    rng = np.random.default_rng(seed)
    p = (rng.standard_normal(n) * 0.1).astype(F32)
    s1 = np.zeros(n, F32)
    s2 = np.zeros(n, F32)
    two = name == "adam"
    out = {"kernel": "kOptimizer32bit2State<float, ADAM>" if two else f"kOptimizer32bit1State<float, {name.upper()}>",
           "optimizer": f"32-bit state ({name})", "n": n, "seed": seed, "hyper": {**hyper, "gnorm_scale": 1.0},
           "init": {"p": ref._arr(p), "state1": "float32 zeros(n)", **({"state2": "float32 zeros(n)"} if two else {})},
           "steps": []}
    for s in range(steps):
        g = (rng.standard_normal(n) * 0.01).astype(F32)
        if name == "adam":
            ref.adam32bit_step_bnb(p, g, s1, s2, s + 1, lr=hyper["lr"], beta1=hyper["beta1"], beta2=hyper["beta2"],
                                   eps=hyper["eps"], weight_decay=hyper["weight_decay"])
        elif name == "momentum":
            ref.momentum32bit_step_bnb(p, g, s1, s + 1, hyper["lr"], hyper["momentum"], hyper["weight_decay"])
        else:
            _one_state32(name, p, g, s1, s + 1, hyper["lr"], hyper.get("beta1", hyper.get("alpha", 0.0)),
                         hyper.get("beta2", 0.0), hyper.get("eps", 0.0), hyper["weight_decay"])
        step = {"step": s + 1, "g": ref._arr(g), "p_after": ref._arr(p), "state1_after": ref._arr(s1)}
        if two:
            step["state2_after"] = ref._arr(s2)
        out["steps"].append(step)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    # 1-state rules, bitsandbytes' defaults (and the test's lr / momentum)
    files["lion8bit_n1000_bs256.json"] = one_state8("lion", 1000, 256, 51, {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0})
    files["lion8bit_n1000_bs128_wd0.1.json"] = one_state8("lion", 1000, 128, 52, {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.1})
    files["rmsprop8bit_n1000_bs512.json"] = one_state8("rmsprop", 1000, 512, 53, {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "weight_decay": 0.0})
    files["rmsprop8bit_n1000_bs64_wd0.01.json"] = one_state8("rmsprop", 1000, 64, 54, {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.01})
    files["adagrad8bit_n1000_bs1024.json"] = one_state8("adagrad", 1000, 1024, 55, {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.0})
    files["adagrad8bit_n1100_bs256_wd0.01.json"] = one_state8("adagrad", 1100, 256, 56, {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.01})
    files["momentum8bit_n1000_bs4096_wd0.01.json"] = one_state8("momentum", 1000, 4096, 57, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01})
    # Adam/AdamW at the remaining block sizes
    files["adamw8bit_n1000_bs64_wd0.01.json"] = adam8(1000, 64, 58, 0.01)
    files["adam8bit_n1000_bs512.json"] = adam8(1000, 512, 59, 0.0)
    files["adam8bit_n1100_bs1024.json"] = adam8(1100, 1024, 60, 0.0)
    files["adamw8bit_n1000_bs4096_wd0.1.json"] = adam8(1000, 4096, 61, 0.1)
    # non-finite gradients and all-zero blocks in every kernel
    files["edge_adam8bit_n700_bs128.json"] = adam8(700, 128, 62, 0.0, special=True, steps=3)
    for i, (name, hyper) in enumerate((("momentum", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.0}),
                                       ("lion", {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0}),
                                       ("rmsprop", {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "weight_decay": 0.0}),
                                       ("adagrad", {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.0}))):
        files[f"edge_{name}8bit_n700_bs128.json"] = one_state8(name, 700, 128, 63 + i, hyper, special=True, steps=3)
    # the 32-bit paths (tensors under min_8bit_size, or stateBits 32)
    files["adamw32bit_n600.json"] = state32("adam", 600, 70, {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01})
    files["momentum32bit_n600.json"] = state32("momentum", 600, 71, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01})
    files["lion32bit_n600.json"] = state32("lion", 600, 72, {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.1})
    files["rmsprop32bit_n600.json"] = state32("rmsprop", 600, 73, {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "weight_decay": 0.01})
    files["adagrad32bit_n600.json"] = state32("adagrad", 600, 74, {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.01})
    for name, obj in files.items():
        path = os.path.join(OUT, name)
        with open(path, "w") as fh:
            json.dump({**COMMON, **obj}, fh, separators=(",", ":"))
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
