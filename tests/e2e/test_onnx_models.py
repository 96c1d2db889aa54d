"""Two real model blocks, built with onnx.helper, imported, compiled and run:
a ResNet basic block and a transformer encoder block. Each matches a numpy
reference (float64) to 1e-4, and onnxruntime too when it is installed (the
`bench` extra)."""

from __future__ import annotations

import importlib.util

import numpy as np
import onnx
from onnx import helper

import nnopt
from nnopt.dialects import graph
from tests.e2e.graph_programs import normal, positive
from tests.e2e.numpy_references import (
    attention_reference,
    batch_norm_reference,
    conv2d_reference,
    gelu_reference,
    layer_norm_reference,
)
from tests.e2e.onnx_models import check_model, make_model

TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def check_with_onnxruntime(model: onnx.ModelProto, feeds: dict[str, np.ndarray], ours: list[np.ndarray]) -> None:
    """Compare with onnxruntime when it is installed; numpy is the reference either way."""
    if importlib.util.find_spec("onnxruntime") is None:
        return
    import onnxruntime

    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    for theirs, mine in zip(session.run(None, feeds), ours, strict=True):
        np.testing.assert_allclose(mine, theirs, **TOLERANCE)


def resnet_block(rng: np.random.Generator, channels: int) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """conv-bn-relu-conv-bn-add-relu, 3x3 convolutions, identity shortcut."""
    weights = {
        "w1": normal(rng, channels, channels, 3, 3, scale=0.2),
        "w2": normal(rng, channels, channels, 3, 3, scale=0.2),
    }
    for i in (1, 2):
        weights |= {
            f"s{i}": normal(rng, channels),
            f"b{i}": normal(rng, channels),
            f"m{i}": normal(rng, channels),
            f"v{i}": positive(rng, channels),
        }
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "s1", "b1", "m1", "v1"], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", kernel_shape=[3, 3], auto_pad="SAME_UPPER"),
        helper.make_node("BatchNormalization", ["c2", "s2", "b2", "m2", "v2"], ["n2"], name="bn2", epsilon=1e-3),
        helper.make_node("Add", ["n2", "x"], ["sum"], name="residual"),
        helper.make_node("Relu", ["sum"], ["y"], name="relu2"),
    ]
    return make_model(nodes, {"x": ("N", channels, 12, 12)}, ["y"], weights, opset=15), weights


def test_resnet_block(rng: np.random.Generator) -> None:
    model, w = resnet_block(rng, channels=8)
    x = normal(rng, 2, 8, 12, 12)
    a = conv2d_reference(x, w["w1"], None, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    a = np.maximum(batch_norm_reference(a, w["s1"], w["b1"], w["m1"], w["v1"], 1e-5), 0)
    b = conv2d_reference(a, w["w2"], None, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    b = batch_norm_reference(b, w["s2"], w["b2"], w["m2"], w["v2"], 1e-3)
    expected = np.maximum(b + x, 0)
    ours = check_model(model, {"x": x}, expected=[expected], **TOLERANCE)
    check_with_onnxruntime(model, {"x": x}, ours)


def encoder_block(
    rng: np.random.Generator, width: int, heads: int, hidden: int
) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """Pre-norm encoder: x + Wo attn(LN1(x)), then h + W2 gelu(W1 LN2(h) + b1) + b2."""
    weights = {
        "g1": positive(rng, width),
        "e1": normal(rng, width),
        "g2": positive(rng, width),
        "e2": normal(rng, width),
        "w1": normal(rng, width, hidden, scale=0.3),
        "c1": normal(rng, hidden),
        "w2": normal(rng, hidden, width, scale=0.3),
        "c2": normal(rng, width),
    }
    for name in ("q", "k", "v", "o"):
        weights[f"w{name}"] = normal(rng, width, width, scale=0.3)
        weights[f"b{name}"] = normal(rng, width, scale=0.1)
    nodes = [
        helper.make_node("LayerNormalization", ["x", "g1", "e1"], ["n1"], name="ln1", axis=-1),
        *(
            node
            for name in ("q", "k", "v")
            for node in (
                helper.make_node("MatMul", ["n1", f"w{name}"], [f"{name}0"], name=f"{name}_proj"),
                helper.make_node("Add", [f"{name}0", f"b{name}"], [name], name=f"{name}_bias"),
            )
        ),
        helper.make_node("Attention", ["q", "k", "v"], ["att"], name="mha", q_num_heads=heads, kv_num_heads=heads),
        helper.make_node("MatMul", ["att", "wo"], ["o0"], name="o_proj"),
        helper.make_node("Add", ["o0", "bo"], ["o"], name="o_bias"),
        helper.make_node("Add", ["x", "o"], ["h"], name="residual1"),
        helper.make_node("LayerNormalization", ["h", "g2", "e2"], ["n2"], name="ln2", epsilon=1e-6),
        helper.make_node("MatMul", ["n2", "w1"], ["f0"], name="fc1"),
        helper.make_node("Add", ["f0", "c1"], ["f1"], name="fc1_bias"),
        helper.make_node("Gelu", ["f1"], ["f2"], name="gelu"),
        helper.make_node("MatMul", ["f2", "w2"], ["f3"], name="fc2"),
        helper.make_node("Add", ["f3", "c2"], ["f4"], name="fc2_bias"),
        helper.make_node("Add", ["h", "f4"], ["y"], name="residual2"),
    ]
    return make_model(nodes, {"x": (2, 8, width)}, ["y"], weights, opset=23), weights


def test_transformer_encoder_block(rng: np.random.Generator) -> None:
    width, heads = 16, 2
    model, w = encoder_block(rng, width, heads, hidden=32)
    x = normal(rng, 2, 8, width)

    def split(t: np.ndarray) -> np.ndarray:
        return t.reshape(2, 8, heads, width // heads).transpose(0, 2, 1, 3)

    n1 = layer_norm_reference(x, w["g1"], w["e1"], -1, 1e-5)
    q, k, v = (split(n1 @ w[f"w{name}"] + w[f"b{name}"]) for name in ("q", "k", "v"))
    att = attention_reference(q, k, v).transpose(0, 2, 1, 3).reshape(2, 8, width)
    h = x + att @ w["wo"] + w["bo"]
    n2 = layer_norm_reference(h, w["g2"], w["e2"], -1, 1e-6)
    expected = h + gelu_reference(n2 @ w["w1"] + w["c1"]) @ w["w2"] + w["c2"]

    module = nnopt.import_onnx(model)
    assert sum(isinstance(op, graph.AttentionOp) for op in module.walk()) == 1
    ours = check_model(model, {"x": x}, expected=[expected], **TOLERANCE)
    check_with_onnxruntime(model, {"x": x}, ours)
