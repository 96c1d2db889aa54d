"""transpose, reshape, flatten, concat and pad compiled to C against numpy.

These move data without arithmetic, so results must be exact; several cases chain
ops so that views (reshapes) and slices (concat, pad) feed each other.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.graph_programs import (
    check_against_numpy,
    normal,
    single_op_ir,
    tensor_type,
)


@pytest.mark.parametrize(
    ("shape", "perm"), [((2, 3), (1, 0)), ((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (3, 1, 0, 2)), ((3, 1, 2), None)]
)
def test_transpose(shape: tuple[int, ...], perm: tuple[int, ...] | None, rng: np.random.Generator) -> None:
    x = normal(rng, *shape)
    expected = np.transpose(x, perm)
    attrs = "" if perm is None else "{perm = array<i64: " + ", ".join(map(str, perm)) + ">}"
    ir = single_op_ir("transpose", [shape], expected.shape, attrs)
    check_against_numpy(ir, [x], expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("shape", "target"), [((2, 3, 4), (6, 4)), ((12,), (3, 2, 2)), ((2, 6), (4, 3)), ((1, 1), ()), ((), (1, 1, 1))]
)
def test_reshape(shape: tuple[int, ...], target: tuple[int, ...], rng: np.random.Generator) -> None:
    x = normal(rng, *shape)
    ir = single_op_ir("reshape", [shape], target)
    check_against_numpy(ir, [x], x.reshape(target), rtol=0, atol=0)


@pytest.mark.parametrize(("shape", "axis"), [((2, 3, 4), 1), ((2, 3, 4), 0), ((2, 3, 4), 3), ((2, 3, 4, 5), -2)])
def test_flatten(shape: tuple[int, ...], axis: int, rng: np.random.Generator) -> None:
    x = normal(rng, *shape)
    split = axis % (len(shape) + 1) if axis >= 0 else axis + len(shape)
    expected = x.reshape(int(np.prod(shape[:split])), -1)
    ir = single_op_ir("flatten", [shape], expected.shape, f"{{axis = {axis} : i64}}")
    check_against_numpy(ir, [x], expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [([(2, 3), (2, 5)], 1), ([(1, 4), (2, 4), (3, 4)], 0), ([(2, 1, 3), (2, 2, 3)], -2), ([(3,)], 0)],
)
def test_concat(shapes: list[tuple[int, ...]], axis: int, rng: np.random.Generator) -> None:
    parts = [normal(rng, *s) for s in shapes]
    expected = np.concatenate(parts, axis=axis)
    ir = single_op_ir("concat", shapes, expected.shape, f"{{axis = {axis} : i64}}")
    check_against_numpy(ir, parts, expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("shape", "pads", "value"),
    [
        ((2, 3), (0, 1, 0, 2), 0.0),
        ((2, 3, 4), (1, 0, 2, 0, 1, 1), -1.5),
        ((3, 5), (-1, 2, 0, -2), 7.0),
        ((4,), (-1, -2), 0.0),
    ],
    ids=["grow", "grow-3d-value", "crop-and-grow", "crop-only"],
)
def test_pad(shape: tuple[int, ...], pads: tuple[int, ...], value: float, rng: np.random.Generator) -> None:
    x = normal(rng, *shape)
    rank = len(shape)
    cropped = x[tuple(slice(max(-pads[i], 0), shape[i] - max(-pads[rank + i], 0)) for i in range(rank))]
    widths = [(max(pads[i], 0), max(pads[rank + i], 0)) for i in range(rank)]
    expected = np.pad(cropped, widths, constant_values=value)
    attrs = "{pads = array<i64: " + ", ".join(map(str, pads)) + f">, value = {value} : f32}}"
    ir = single_op_ir("pad", [shape], expected.shape, attrs)
    check_against_numpy(ir, [x], expected, rtol=0, atol=0)


def test_chained_views_and_slices(rng: np.random.Generator) -> None:
    """A cropped (strided) slice is reshaped, concatenated with itself and transposed."""
    x = normal(rng, 4, 6)
    t = {s: tensor_type(s) for s in [(4, 6), (2, 4), (8,), (4, 2), (4, 4), (2, 8)]}
    ir = f"""
func.func @f(%x: {t[(4, 6)]}) -> ({t[(4, 4)]}, {t[(2, 8)]}) {{
  %c = graph.pad %x {{pads = array<i64: -1, -1, -1, -1>}} : ({t[(4, 6)]}) -> {t[(2, 4)]}
  %r = graph.reshape %c : ({t[(2, 4)]}) -> {t[(4, 2)]}
  %j = graph.concat %r, %r {{axis = 1 : i64}} : ({t[(4, 2)]}, {t[(4, 2)]}) -> {t[(4, 4)]}
  %f = graph.reshape %j : ({t[(4, 4)]}) -> {t[(2, 8)]}
  %n = graph.neg %f : ({t[(2, 8)]}) -> {t[(2, 8)]}
  func.return %j, %n : {t[(4, 4)]}, {t[(2, 8)]}
}}
"""
    import nnopt

    crop = x[1:3, 1:5].reshape(4, 2)
    joined = np.concatenate([crop, crop], axis=1)
    for pipeline in (None, ""):
        j, n = nnopt.compile(ir, pipeline=pipeline)(x)  # type: ignore[misc]
        np.testing.assert_array_equal(j, joined)
        np.testing.assert_array_equal(n, -joined.reshape(2, 8))


def test_results_built_in_reshaped_outputs(rng: np.random.Generator) -> None:
    """A computed tensor returned reshaped (built in a view of the output), twice
    (the second output a copy), and beside its unreshaped self."""
    x = normal(rng, 3, 8)
    t = {s: tensor_type(s) for s in [(3, 8), (2, 3, 4), (24,)]}
    ir = f"""
func.func @f(%x: {t[(3, 8)]}) -> ({t[(2, 3, 4)]}, {t[(2, 3, 4)]}, {t[(3, 8)]}, {t[(24,)]}) {{
  %n = graph.neg %x : ({t[(3, 8)]}) -> {t[(3, 8)]}
  %r = graph.reshape %n : ({t[(3, 8)]}) -> {t[(2, 3, 4)]}
  %e = graph.exp %x : ({t[(3, 8)]}) -> {t[(3, 8)]}
  %f = graph.reshape %e : ({t[(3, 8)]}) -> {t[(24,)]}
  func.return %r, %r, %e, %f : {t[(2, 3, 4)]}, {t[(2, 3, 4)]}, {t[(3, 8)]}, {t[(24,)]}
}}
"""
    import nnopt

    for pipeline in (None, ""):
        r1, r2, e, f = nnopt.compile(ir, pipeline=pipeline)(x)  # type: ignore[misc]
        np.testing.assert_array_equal(r1, -x.reshape(2, 3, 4))
        np.testing.assert_array_equal(r2, -x.reshape(2, 3, 4))
        np.testing.assert_allclose(e, np.exp(x), rtol=1e-6)
        np.testing.assert_allclose(f, np.exp(x).reshape(24), rtol=1e-6)
