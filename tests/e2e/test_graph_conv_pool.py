"""graph.conv2d and pooling compiled to C against direct numpy references."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from tests.e2e.graph_programs import check_against_numpy, normal, run_both, single_op_ir
from tests.e2e.numpy_references import (
    avg_pool_reference,
    conv2d_reference,
    max_pool_reference,
)


def _array(values: Sequence[int]) -> str:
    return "array<i64: " + ", ".join(str(v) for v in values) + ">"


CONV_CASES = [
    # (input shape, weight shape, bias, strides, pads, dilations, group)
    ((1, 3, 8, 8), (4, 3, 3, 3), True, (1, 1), (0, 0, 0, 0), (1, 1), 1),
    ((2, 3, 9, 7), (5, 3, 3, 2), True, (2, 1), (1, 0, 1, 1), (1, 1), 1),
    ((1, 2, 11, 10), (3, 2, 3, 3), False, (2, 3), (2, 1, 0, 2), (2, 2), 1),
    ((1, 4, 7, 7), (6, 2, 3, 3), True, (1, 1), (1, 1, 1, 1), (1, 1), 2),
    ((2, 3, 8, 9), (3, 1, 3, 3), True, (2, 2), (1, 1, 1, 1), (1, 1), 3),
    ((1, 2, 6, 6), (6, 1, 5, 1), False, (1, 1), (2, 0, 2, 0), (1, 1), 2),
    ((1, 1, 5, 5), (1, 1, 1, 1), False, (1, 1), (0, 0, 0, 0), (1, 1), 1),
]


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "bias", "strides", "pads", "dilations", "group"),
    CONV_CASES,
    ids=["plain", "stride-pad-odd", "dilated", "grouped", "depthwise", "depth-multiplier", "1x1"],
)
def test_conv2d(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    bias: bool,
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    group: int,
    rng: np.random.Generator,
) -> None:
    x, w = normal(rng, *x_shape), normal(rng, *w_shape)
    b = normal(rng, w_shape[0]) if bias else None
    expected = conv2d_reference(x, w, b, strides, pads, dilations, group)
    attrs = (
        f"{{strides = {_array(strides)}, pads = {_array(pads)}, "
        f"dilations = {_array(dilations)}, group = {group} : i64}}"
    )
    inputs = [x, w] if b is None else [x, w, b]
    ir = single_op_ir("conv2d", [a.shape for a in inputs], expected.shape, attrs)
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-5)


POOL_CASES = [
    # (input shape, kernel, strides, pads, dilations)
    ((1, 2, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((2, 3, 9, 7), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1)),
    ((1, 2, 10, 9), (3, 2), (1, 2), (1, 0, 2, 1), (2, 1)),
    ((1, 3, 11), (4,), (3,), (2, 1), (1,)),
    ((1, 1, 5, 6, 4), (2, 3, 2), (1, 2, 2), (0, 1, 1, 1, 1, 0), (1, 1, 1)),
]
POOL_IDS = ["2x2-s2", "3x3-s2-pad-odd", "dilated-asym", "1d", "3d"]


@pytest.mark.parametrize(("x_shape", "kernel", "strides", "pads", "dilations"), POOL_CASES, ids=POOL_IDS)
def test_max_pool(
    x_shape: tuple[int, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    pads: tuple[int, ...],
    dilations: tuple[int, ...],
    rng: np.random.Generator,
) -> None:
    x = normal(rng, *x_shape)
    expected = max_pool_reference(x, kernel, strides, pads, dilations)
    attrs = (
        f"{{kernel_shape = {_array(kernel)}, strides = {_array(strides)}, "
        f"pads = {_array(pads)}, dilations = {_array(dilations)}}}"
    )
    ir = single_op_ir("max_pool", [x_shape], expected.shape, attrs)
    check_against_numpy(ir, [x], expected, rtol=0, atol=0)


@pytest.mark.parametrize("count_include_pad", [False, True])
@pytest.mark.parametrize(("x_shape", "kernel", "strides", "pads", "dilations"), POOL_CASES, ids=POOL_IDS)
def test_avg_pool(
    x_shape: tuple[int, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    pads: tuple[int, ...],
    dilations: tuple[int, ...],
    count_include_pad: bool,
    rng: np.random.Generator,
) -> None:
    x = normal(rng, *x_shape)
    expected = avg_pool_reference(x, kernel, strides, pads, count_include_pad, dilations)
    attrs = (
        f"{{kernel_shape = {_array(kernel)}, strides = {_array(strides)}, "
        f"pads = {_array(pads)}, dilations = {_array(dilations)}"
    )
    attrs += ", count_include_pad = true}" if count_include_pad else "}"
    ir = single_op_ir("avg_pool", [x_shape], expected.shape, attrs)
    check_against_numpy(ir, [x], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x_shape", [(2, 3, 7, 5), (1, 4, 9), (1, 2, 3, 2, 2)])
def test_global_avg_pool(x_shape: tuple[int, ...], rng: np.random.Generator) -> None:
    x = normal(rng, *x_shape)
    expected = x.astype(np.float64).mean(axis=tuple(range(2, x.ndim)), keepdims=True)
    ir = single_op_ir("global_avg_pool", [x_shape], expected.shape)
    check_against_numpy(ir, [x], expected, rtol=1e-5, atol=1e-6)


def test_max_pool_propagates_nan() -> None:
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = np.nan
    attrs = "{kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}"
    ir = single_op_ir("max_pool", [x.shape], (1, 1, 2, 2), attrs)
    for out in run_both(ir, [x]):
        assert np.isnan(out[0, 0, 0, 0])
        np.testing.assert_array_equal(out[0, 0].ravel()[1:], [7.0, 13.0, 15.0])
