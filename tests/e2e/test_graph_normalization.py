"""softmax, layer_norm, batch_norm and the reductions compiled to C against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.graph_programs import check_against_numpy, normal, positive, single_op_ir
from tests.e2e.numpy_references import (
    batch_norm_reference,
    layer_norm_reference,
    softmax_reference,
)


@pytest.mark.parametrize(
    ("shape", "axis"), [((4, 8), -1), ((3, 5, 7), 1), ((2, 3, 4), 0), ((9,), 0)]
)
def test_softmax(shape: tuple[int, ...], axis: int, rng: np.random.Generator) -> None:
    x = normal(rng, *shape, scale=3.0)
    ir = single_op_ir("softmax", [shape], shape, f"{{axis = {axis} : i64}}")
    out = check_against_numpy(ir, [x], softmax_reference(x, axis), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-5)


def test_softmax_of_large_inputs_does_not_overflow(rng: np.random.Generator) -> None:
    x = normal(rng, 3, 16, scale=10.0) + np.float32(1e4)
    x[1] = -1e4 + normal(rng, 16)
    x[2, 3] = 3e4
    ir = single_op_ir("softmax", [x.shape], x.shape)
    out = check_against_numpy(ir, [x], softmax_reference(x, -1), rtol=1e-5, atol=1e-7)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(
    ("shape", "axis", "scale_shape", "bias"),
    [
        ((4, 8), -1, (8,), True),
        ((2, 3, 5), 1, (3, 5), True),
        ((2, 3, 5), -1, (5,), False),
        ((3, 4, 6), 1, (1, 6), True),
    ],
)
def test_layer_norm(
    shape: tuple[int, ...],
    axis: int,
    scale_shape: tuple[int, ...],
    bias: bool,
    rng: np.random.Generator,
) -> None:
    x = normal(rng, *shape, scale=2.0) + np.float32(0.5)
    scale = normal(rng, *scale_shape)
    b = normal(rng, *scale_shape) if bias else None
    inputs = [x, scale] if b is None else [x, scale, b]
    attrs = f"{{axis = {axis} : i64, epsilon = 1.0e-05 : f32}}"
    ir = single_op_ir("layer_norm", [a.shape for a in inputs], shape, attrs)
    expected = layer_norm_reference(x, scale, b, axis, 1e-5)
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-5)


def test_layer_norm_of_large_inputs_is_stable(rng: np.random.Generator) -> None:
    # Large values far from zero: the variance of the centered values stays
    # accurate (the float32 sum of 16 values near 1e4 leaves a mean error of about
    # 1e-4, hence the tolerance), where E[x^2] - E[x]^2 would cancel to errors in
    # the thousands.
    x = np.float32(1e4) + normal(rng, 4, 16)
    x[1] *= np.float32(10.0)
    scale, bias = normal(rng, 16), normal(rng, 16)
    ir = single_op_ir("layer_norm", [x.shape, (16,), (16,)], x.shape)
    out = check_against_numpy(
        ir, [x, scale, bias], layer_norm_reference(x, scale, bias, -1, 1e-5), rtol=1e-3, atol=5e-3
    )
    assert np.isfinite(out).all()
    # a scaled (not offset) large input keeps full float32 accuracy
    y = normal(rng, 4, 16, scale=1e4)
    check_against_numpy(
        ir, [y, scale, bias], layer_norm_reference(y, scale, bias, -1, 1e-5), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 6), (1, 4, 7)])
def test_batch_norm(shape: tuple[int, ...], rng: np.random.Generator) -> None:
    channels = shape[1]
    x = normal(rng, *shape)
    scale, bias, mean = normal(rng, channels), normal(rng, channels), normal(rng, channels)
    var = positive(rng, channels)
    expected = batch_norm_reference(x, scale, bias, mean, var, 1e-3)
    params = [(channels,)] * 4
    ir = single_op_ir("batch_norm", [shape, *params], shape, "{epsilon = 1.0e-03 : f32}")
    check_against_numpy(ir, [x, scale, bias, mean, var], expected, rtol=1e-5, atol=1e-5)


REDUCTIONS = {"reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_max": np.max}


@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@pytest.mark.parametrize(
    ("shape", "axes", "keepdims"),
    [
        ((3, 5, 4), (1,), True),
        ((3, 5, 4), (0, 2), False),
        ((2, 7), (-1,), False),
        ((2, 3, 5), None, True),
        ((4, 3), None, False),
    ],
)
def test_reductions(
    op: str,
    shape: tuple[int, ...],
    axes: tuple[int, ...] | None,
    keepdims: bool,
    rng: np.random.Generator,
) -> None:
    x = normal(rng, *shape)
    expected = np.asarray(REDUCTIONS[op](x.astype(np.float64), axis=axes, keepdims=keepdims))
    attrs = []
    if axes is not None:
        attrs.append("axes = array<i64: " + ", ".join(map(str, axes)) + ">")
    if not keepdims:
        attrs.append("keepdims = false")
    ir = single_op_ir(op, [shape], expected.shape, "{" + ", ".join(attrs) + "}" if attrs else "")
    check_against_numpy(ir, [x], expected, rtol=1e-5, atol=1e-6)


def test_reduce_max_propagates_nan() -> None:
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -np.inf]], dtype=np.float32)
    ir = single_op_ir("reduce_max", [x.shape], (2,), "{axes = array<i64: 1>, keepdims = false}")
    check_against_numpy(ir, [x], np.array([np.nan, 5.0]), rtol=0, atol=0)
