"""ONNX import against onnx's reference evaluator: what changes between opsets, and
the import-time machinery (static inputs, folding, outputs) the backend node tests
do not reach. Each model is compiled with the default pipeline and with none.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.e2e.graph_programs import normal
from tests.e2e.onnx_models import check_model, make_model, reference_outputs, run_model

I64 = np.int64


def coerced_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Softmax before opset 13: over the 2-D coercion [prod(dims < axis), prod(dims >= axis)]."""
    rows = x.astype(np.float64).reshape(int(np.prod(x.shape[:axis])), -1)
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(x.shape)


@pytest.mark.parametrize("opset", [11, 13])
def test_softmax_axis_meaning_changes_at_opset_13(opset: int, rng: np.random.Generator) -> None:
    # Softmax-11 normalizes the 2-D coercion at axis 1 (over 3 x 4 values);
    # Softmax-13 normalizes along axis 1 only. (onnx's reference evaluator
    # implements only the latter, so the older one is checked against numpy.)
    model = make_model([helper.make_node("Softmax", ["x"], ["y"], axis=1)], {"x": (2, 3, 4)}, ["y"], opset=opset)
    x = normal(rng, 2, 3, 4)
    expected = [coerced_softmax(x, 1)] if opset == 11 else None
    (y,) = check_model(model, {"x": x}, rtol=1e-5, atol=1e-6, expected=expected)
    sums = y.sum(axis=(1, 2)) if opset == 11 else y.sum(axis=1)
    np.testing.assert_allclose(sums, 1.0, rtol=1e-5)


@pytest.mark.parametrize("axis", [None, 2, -1])
def test_softmax_before_opset_13(axis: int | None, rng: np.random.Generator) -> None:
    attributes = {} if axis is None else {"axis": axis}
    node = helper.make_node("Softmax", ["x"], ["y"], **attributes)
    model = make_model([node], {"x": (2, 3, 4)}, ["y"], opset=11)
    x = normal(rng, 2, 3, 4)
    expected = coerced_softmax(x, 1 if axis is None else axis % 3)
    check_model(model, {"x": x}, rtol=1e-5, atol=1e-6, expected=[expected])


@pytest.mark.parametrize(
    ("op", "opset", "axes_as_input"),
    [
        ("ReduceSum", 11, False),
        ("ReduceSum", 13, True),
        ("ReduceMean", 13, False),
        ("ReduceMean", 18, True),
        ("ReduceMax", 13, False),
        ("ReduceMax", 20, True),
    ],
)
def test_reduce_axes_attribute_or_input(op: str, opset: int, axes_as_input: bool, rng: np.random.Generator) -> None:
    axes = np.array([0, -1], dtype=I64)
    if axes_as_input:
        node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)
        initializers = {"axes": axes}
    else:
        node = helper.make_node(op, ["x"], ["y"], axes=list(axes), keepdims=0)
        initializers = {}
    model = make_model([node], {"x": (2, 3, 4)}, ["y"], initializers, opset=opset)
    (y,) = check_model(model, {"x": normal(rng, 2, 3, 4)}, rtol=1e-5, atol=1e-6)
    assert y.shape == (3,)


def test_reduce_without_axes_reduces_all_or_nothing(rng: np.random.Generator) -> None:
    nodes = [
        helper.make_node("ReduceSum", ["x"], ["all"]),
        helper.make_node("ReduceSum", ["x"], ["none"], noop_with_empty_axes=1),
    ]
    model = make_model(nodes, {"x": (2, 3)}, ["all", "none"], opset=13)
    x = normal(rng, 2, 3)
    everything, nothing = check_model(model, {"x": x}, rtol=1e-5, atol=1e-6)
    assert everything.shape == (1, 1)
    np.testing.assert_array_equal(nothing, x)


@pytest.mark.parametrize("opset", [11, 12, 13])
def test_clip_bounds_from_initializers_and_constants(opset: int, rng: np.random.Generator) -> None:
    nodes = [
        helper.make_node("Constant", [], ["hi"], value=helper.make_tensor("hi", TensorProto.FLOAT, [], [0.5])),
        helper.make_node("Clip", ["x", "lo", "hi"], ["y"]),
        helper.make_node("Clip", ["x", "", "hi"], ["z"]),
    ]
    model = make_model(nodes, {"x": (3, 4)}, ["y", "z"], {"lo": np.array(-0.25, np.float32)}, opset=opset)
    check_model(model, {"x": normal(rng, 3, 4)}, rtol=0, atol=0)


def pad_reference(x: np.ndarray, pads: list[int], value: float) -> np.ndarray:
    """ONNX constant Pad with [begins..., ends...]; negative pads crop (np.pad does not)."""
    rank = x.ndim
    crop = tuple(slice(max(-pads[i], 0), x.shape[i] - max(-pads[rank + i], 0)) for i in range(rank))
    widths = [(max(pads[i], 0), max(pads[rank + i], 0)) for i in range(rank)]
    return np.pad(x[crop], widths, constant_values=value)


@pytest.mark.parametrize("opset", [11, 13, 18])
def test_pad_constant_value_and_axes(opset: int, rng: np.random.Generator) -> None:
    x = normal(rng, 3, 4, 2)
    initializers = {"value": np.array(1.5, np.float32)}
    if opset >= 18:
        node = helper.make_node("Pad", ["x", "pads", "value", "axes"], ["y"])
        initializers |= {"pads": np.array([1, -1, 2, 0], I64), "axes": np.array([-1, 0], I64)}
        full = [-1, 0, 1, 0, 0, 2]  # axis 2: 1 before, 2 after; axis 0: -1 before
    else:
        node = helper.make_node("Pad", ["x", "pads", "value"], ["y"])
        full = [-1, 0, 1, 0, 2, 2]
        initializers["pads"] = np.array(full, I64)
    model = make_model([node], {"x": x.shape}, ["y"], initializers, opset=opset)
    check_model(model, {"x": x}, rtol=0, atol=0, expected=[pad_reference(x, full, 1.5)])


@pytest.mark.parametrize(("shape", "allowzero"), [([0, -1, 2], 0), ([2, 0, 3, 2], 1)])
def test_reshape_zero_and_inferred_dims(shape: list[int], allowzero: int, rng: np.random.Generator) -> None:
    node = helper.make_node("Reshape", ["x", "shape"], ["y"], allowzero=allowzero)
    model = make_model([node], {"x": (3, 4)}, ["y"], {"shape": np.array(shape, I64)})
    if allowzero:
        with pytest.raises(Exception, match="cannot reshape"):
            run_model(model, {"x": normal(rng, 3, 4)})
        return
    (y,) = check_model(model, {"x": normal(rng, 3, 4)}, rtol=0, atol=0)
    assert y.shape == (3, 2, 2)


def test_static_values_fold_at_import(rng: np.random.Generator) -> None:
    # A shape assembled from Constants (value_ints) and an initializer, and a weight
    # transposed and flattened before use: all computed at import time.
    nodes = [
        helper.make_node("Constant", [], ["batch"], value_ints=[2]),
        helper.make_node("Concat", ["batch", "rest"], ["shape"], axis=0),
        helper.make_node("Reshape", ["x", "shape"], ["x2"]),
        helper.make_node("Transpose", ["w"], ["wt"], perm=[1, 0, 2]),
        helper.make_node("Flatten", ["wt"], ["wf"], axis=2),
        helper.make_node("MatMul", ["x2", "wf"], ["y"]),
    ]
    w = normal(rng, 3, 4, 5)
    initializers = {"rest": np.array([-1], I64), "w": w}
    model = make_model(nodes, {"x": (2, 3, 4)}, ["y"], initializers)
    from nnopt import import_onnx

    module = import_onnx(model)
    names = [op.name for op in module.walk()]
    assert "graph.transpose" not in names and "graph.flatten" not in names
    assert names.count("graph.reshape") == 1
    check_model(model, {"x": normal(rng, 2, 3, 4)}, rtol=1e-5, atol=1e-5)


def test_several_outputs_identity_and_initializer_outputs(rng: np.random.Generator) -> None:
    nodes = [
        helper.make_node("Identity", ["x"], ["same"]),
        helper.make_node("Add", ["x", "b"], ["sum"]),
        helper.make_node("Identity", ["b"], ["bias"]),
    ]
    b = normal(rng, 4)
    model = make_model(nodes, {"x": (3, 4)}, ["sum", "same", "bias", "sum"], {"b": b})
    x = normal(rng, 3, 4)
    total, same, bias, again = check_model(model, {"x": x}, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(same, x)
    np.testing.assert_array_equal(bias, b)
    np.testing.assert_array_equal(total, again)


@pytest.mark.parametrize("auto_pad", ["SAME_UPPER", "SAME_LOWER", "VALID"])
def test_conv_auto_pad(auto_pad: str, rng: np.random.Generator) -> None:
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], auto_pad=auto_pad, strides=[2, 1])
    initializers = {"w": normal(rng, 4, 3, 2, 3), "b": normal(rng, 4)}
    model = make_model([node], {"x": (1, 3, 7, 6)}, ["y"], initializers)
    check_model(model, {"x": normal(rng, 1, 3, 7, 6)}, rtol=1e-5, atol=1e-5)


def test_conv_1d_with_groups_and_dilation(rng: np.random.Generator) -> None:
    node = helper.make_node("Conv", ["x", "w"], ["y"], group=2, dilations=[2], pads=[1, 2], strides=[2])
    model = make_model([node], {"x": (2, 4, 11)}, ["y"], {"w": normal(rng, 6, 2, 3)})
    check_model(model, {"x": normal(rng, 2, 4, 11)}, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("count_include_pad", [0, 1])
def test_pool_ceil_mode(count_include_pad: int, rng: np.random.Generator) -> None:
    window = {"kernel_shape": [3, 2], "strides": [2, 2], "pads": [1, 0, 1, 0], "ceil_mode": 1}
    nodes = [
        helper.make_node("MaxPool", ["x"], ["m"], **window),
        helper.make_node("AveragePool", ["x"], ["a"], count_include_pad=count_include_pad, **window),
    ]
    model = make_model(nodes, {"x": (1, 2, 6, 5)}, ["m", "a"])
    m, _ = check_model(model, {"x": normal(rng, 1, 2, 6, 5)}, rtol=1e-5, atol=1e-6)
    assert m.shape == (1, 2, 4, 3)  # floor mode would give 3 x 2


def test_batch_norm_training_mode_statistics(rng: np.random.Generator) -> None:
    node = helper.make_node(
        "BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"], training_mode=1, momentum=0.8
    )
    initializers = {"s": normal(rng, 3), "b": normal(rng, 3), "m": normal(rng, 3), "v": np.full(3, 2.0, np.float32)}
    model = make_model([node], {"x": (2, 3, 4, 5)}, ["y", "rm", "rv"], initializers, opset=15)
    check_model(model, {"x": normal(rng, 2, 3, 4, 5)}, rtol=1e-4, atol=1e-5)


def test_layer_norm_statistics_outputs(rng: np.random.Generator) -> None:
    node = helper.make_node("LayerNormalization", ["x", "g"], ["y", "mean", "inv"], axis=1, epsilon=1e-3)
    model = make_model([node], {"x": (2, 3, 4)}, ["y", "mean", "inv"], {"g": normal(rng, 3, 4)}, opset=17)
    check_model(model, {"x": normal(rng, 2, 3, 4)}, rtol=1e-4, atol=1e-5)


def test_pow_integer_exponent_and_variadic_max(rng: np.random.Generator) -> None:
    nodes = [
        helper.make_node("Pow", ["x", "two"], ["p"]),
        helper.make_node("Pow", ["x", "n"], ["q"]),
        helper.make_node("Max", ["p", "q", "x"], ["y"]),
        helper.make_node("Min", ["y"], ["z"]),
    ]
    model = make_model(
        nodes, {"x": (3, 4), "n": (4,)}, ["z"], {"two": np.array(2, I64)}, input_types={"n": TensorProto.INT32}
    )
    feeds = {"x": normal(rng, 3, 4), "n": np.array([0, 1, 3, -1], np.int32)}
    check_model(model, feeds, rtol=1e-5, atol=1e-6)


def test_dynamic_dims_take_given_shapes(rng: np.random.Generator) -> None:
    model = make_model([helper.make_node("Relu", ["x"], ["y"])], {"x": ("N", 3)}, ["y"])
    x = normal(rng, 5, 3)
    (y,) = run_model(model, {"x": x})
    np.testing.assert_array_equal(y, np.maximum(x, 0))
    np.testing.assert_array_equal(y, reference_outputs(model, {"x": x})[0])


@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_attention_scores_output_with_an_empty_row(mode: int, rng: np.random.Generator) -> None:
    # A boolean mask (a graph input) whose row 1 attends to no key: ONNX gives zeros
    # for that row of Y and of the softmax, and -inf in the mode-2 scores.
    node = helper.make_node(
        "Attention", ["q", "k", "v", "mask"], ["y", "", "", "s"], softcap=2.0, qk_matmul_output_mode=mode
    )
    model = make_model(
        [node], {"q": (1, 2, 3, 4), "k": (1, 2, 5, 4), "v": (1, 2, 5, 4), "mask": (3, 5)}, ["y", "s"],
        opset=23, input_types={"mask": TensorProto.BOOL},
    )
    q, k, v = normal(rng, 1, 2, 3, 4), normal(rng, 1, 2, 5, 4), normal(rng, 1, 2, 5, 4)
    mask = rng.uniform(size=(3, 5)) < 0.6
    mask[0, 0] = True
    mask[1] = False
    raw = q.astype(np.float64) @ k.transpose(0, 1, 3, 2) / 2.0
    capped = 2.0 * np.tanh(raw / 2.0)
    biased = capped + np.where(mask, 0.0, -np.inf)
    rows = mask.any(-1)[:, None]
    peak = np.where(rows, np.where(mask, capped, -np.inf).max(-1, keepdims=True), 0.0)
    exps = np.where(mask, np.exp(capped - peak), 0.0)
    probabilities = exps / np.where(rows, exps.sum(-1, keepdims=True), 1.0)
    expected_y = probabilities @ v
    scores = {0: raw, 1: capped, 2: biased, 3: probabilities}[mode]
    feeds = {"q": q, "k": k, "v": v, "mask": mask}
    y, _ = check_model(model, feeds, rtol=1e-5, atol=1e-6, expected=[expected_y, scores])
    assert not y[:, :, 1].any()
