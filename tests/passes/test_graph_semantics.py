"""The numpy semantics of graph ops (nnopt.passes.graph.semantics): one table, complete,
and, where the two tables it replaced disagreed, equal to the compiled C.

Each case is computed three ways: folded by graph-constant-fold, run by the
reference executor, and compiled to C without optimisation. NaN and the sign
of zero are compared too: graph.max, relu, clip, max_pool and reduce_max are
arith.maximumf / minimumf in C (NaN propagates, -0 < +0).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.semantics import (
    SEMANTICS,
    NotEvaluable,
    WrongResultShape,
    evaluate,
    semantics_of,
)
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module

NAN = "0x7FC00000"


def test_every_graph_op_has_numpy_semantics() -> None:
    missing = [op.name for op in graph.GRAPH_OPS if semantics_of(op) is None]
    assert not missing, f"graph ops without numpy semantics: {', '.join(missing)}"


def _same_bits(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal values, NaN where NaN, and the same sign on every zero."""
    return (
        got.shape == want.shape
        and bool(np.array_equal(got, want, equal_nan=True))
        and bool(np.array_equal(np.signbit(got), np.signbit(want)))
    )


def _three_ways(ir: str, name: str = "f") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(folded, reference executor, compiled C) results of the argument-less function `name`."""
    folded = nnopt.compile(ir, pipeline="graph-constant-fold")[name]()
    reference = nnopt.reference.run(ir, name)
    compiled = nnopt.compile(ir, pipeline="")[name]()
    assert isinstance(folded, np.ndarray) and isinstance(reference, np.ndarray)
    assert isinstance(compiled, np.ndarray)
    return folded, reference, compiled


def _assert_all_equal_to(expected: np.ndarray, ir: str) -> None:
    folded, reference, compiled = _three_ways(ir)
    assert _same_bits(compiled, expected), compiled
    assert _same_bits(reference, expected), reference
    assert _same_bits(folded, expected), folded


def test_max_and_min_order_signed_zeros_and_propagate_nan() -> None:
    """Constant folding used np.maximum / np.minimum: max(+0, -0) was -0 there."""
    ir = f"""
    func.func @f() -> tensor<2x4xf32> {{
      %a = graph.constant dense<[0.0, -0.0, {NAN}, 1.0]> : tensor<4xf32>
      %b = graph.constant dense<[-0.0, 0.0, 1.0, {NAN}]> : tensor<4xf32>
      %hi = graph.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %lo = graph.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %both = graph.concat %hi, %lo {{axis = 0 : i64}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
      %r = graph.reshape %both : (tensor<8xf32>) -> tensor<2x4xf32>
      func.return %r : tensor<2x4xf32>
    }}
    """
    expected = np.array([[0.0, 0.0, np.nan, np.nan], [-0.0, -0.0, np.nan, np.nan]], np.float32)
    _assert_all_equal_to(expected, ir)


def test_clip_is_maximumf_then_minimumf() -> None:
    """Both tables clipped with np.maximum: clip(+0, min = -0) was -0 in both."""
    ir = f"""
    func.func @f() -> tensor<5xf32> {{
      %x = graph.constant dense<[0.0, -0.0, {NAN}, -1.0, 1.0]> : tensor<5xf32>
      %r = graph.clip %x {{min = -0.0 : f32, max = 0.0 : f32}} : (tensor<5xf32>) -> tensor<5xf32>
      func.return %r : tensor<5xf32>
    }}
    """
    _assert_all_equal_to(np.array([0.0, -0.0, np.nan, -0.0, 0.0], np.float32), ir)


def test_relu_of_negative_zero_is_positive_zero() -> None:
    ir = f"""
    func.func @f() -> tensor<3xf32> {{
      %x = graph.constant dense<[-0.0, {NAN}, -2.0]> : tensor<3xf32>
      %r = graph.relu %x : (tensor<3xf32>) -> tensor<3xf32>
      func.return %r : tensor<3xf32>
    }}
    """
    _assert_all_equal_to(np.array([0.0, np.nan, 0.0], np.float32), ir)


def test_reduce_max_and_max_pool_prefer_positive_zero() -> None:
    """Both tables took np.max for reduce_max (and folding for max_pool): the sign of a
    zero maximum depended on the order of the zeros."""
    ir = f"""
    func.func @f() -> tensor<2x4xf32> {{
      %x = graph.constant dense<[[0.0, -0.0], [-0.0, -0.0], [-0.0, 0.0], [{NAN}, 0.0]]> : tensor<4x2xf32>
      %m = graph.reduce_max %x {{axes = array<i64: 1>, keepdims = false}} : (tensor<4x2xf32>) -> tensor<4xf32>
      %x4 = graph.reshape %x : (tensor<4x2xf32>) -> tensor<1x4x1x2xf32>
      %p = graph.max_pool %x4 {{kernel_shape = array<i64: 1, 2>}} : (tensor<1x4x1x2xf32>) -> tensor<1x4x1x1xf32>
      %pf = graph.reshape %p : (tensor<1x4x1x1xf32>) -> tensor<4xf32>
      %both = graph.concat %m, %pf {{axis = 0 : i64}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
      %r = graph.reshape %both : (tensor<8xf32>) -> tensor<2x4xf32>
      func.return %r : tensor<2x4xf32>
    }}
    """
    row = [0.0, -0.0, 0.0, np.nan]
    _assert_all_equal_to(np.array([row, row], np.float32), ir)


def test_avg_pool_reads_dilated_windows() -> None:
    """The reference executor ignored avg_pool's dilations (and failed on the shape)."""
    x = np.arange(2 * 6 * 6, dtype=np.float32).reshape(1, 2, 6, 6)
    ir = f"""
    func.func @f() -> tensor<1x2x3x4xf32> {{
      %x = graph.constant dense<{x.tolist()}> : tensor<1x2x6x6xf32>
      %r = graph.avg_pool %x {{kernel_shape = array<i64: 2, 2>, dilations = array<i64: 3, 2>, pads = array<i64: 0, 0, 0, 0>}} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x4xf32>
      func.return %r : tensor<1x2x3x4xf32>
    }}
    """
    windows = [x[:, :, i * 3 : i * 3 + 3, j * 2 : j * 2 + 4] for i in range(2) for j in range(2)]
    expected = (sum(windows) / 4).astype(np.float32)
    _assert_all_equal_to(expected, ir)


def test_fused_body_rounds_every_result_to_its_type() -> None:
    """Constant folding evaluated a graph.fused body in float64 throughout: (1 + 1e-8) - 1
    was 1e-8 there, where each f32 op (and the C) gives 0."""
    ir = """
    func.func @f() -> tensor<2xf32> {
      %a = graph.constant dense<1.0> : tensor<2xf32>
      %b = graph.constant dense<[1.0e-08, 0.5]> : tensor<2xf32>
      %y = graph.fused %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> {
      ^bb0(%p: tensor<2xf32>, %q: tensor<2xf32>):
        %s = graph.add %p, %q : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
        %d = graph.sub %s, %p : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
        graph.yield %d : tensor<2xf32>
      }
      func.return %y : tensor<2xf32>
    }
    """
    _assert_all_equal_to(np.array([0.0, 0.5], np.float32), ir)


def test_cast_of_wide_integers_rounds_once() -> None:
    """Both tables went through float64: 2^60 + 2^36 + 1 became 2^60 + 2^36 there (a tie,
    rounded to even: 2^60), where C's cast rounds once, up, to 2^60 + 2^37."""
    ir = """
    func.func @f(%n: tensor<2xi64>) -> tensor<2xf32> {
      %r = graph.cast %n : (tensor<2xi64>) -> tensor<2xf32>
      func.return %r : tensor<2xf32>
    }
    """
    n = np.array([2**60 + 2**36 + 1, -(2**60 + 2**36 + 1)], np.int64)
    expected = np.array([2.0**60 + 2.0**37, -(2.0**60 + 2.0**37)], np.float32)
    reference = nnopt.reference.run(ir, "f", n)
    compiled = nnopt.compile(ir, pipeline="")(n)
    assert isinstance(reference, np.ndarray) and isinstance(compiled, np.ndarray)
    np.testing.assert_array_equal(compiled, expected)
    np.testing.assert_array_equal(reference, expected)


def _first_graph_op(ir: str) -> graph.GraphOp:
    module = parse_module(make_context(), ir)
    op = next(o for o in module.walk() if isinstance(o, graph.GraphOp))
    return op


RELU = """
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}
"""


def test_evaluate_checks_the_shape_and_rounds_to_the_element_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    op = _first_graph_op(RELU)
    x = np.array([[1.0, -2.0, 1.0 + 2.0**-30], [0.5, -0.0, 3.0]])
    value = evaluate(op, [x])
    assert value.dtype == np.float32 and value.flags.c_contiguous
    np.testing.assert_array_equal(value, np.array([[1, 0, 1], [0.5, 0, 3]], np.float32))

    def transposed(op: graph.ReluOp, x: np.ndarray) -> np.ndarray:
        return x.T

    monkeypatch.setitem(SEMANTICS, graph.ReluOp, transposed)
    with pytest.raises(WrongResultShape, match=r"give shape \(3, 2\), but the op's type is tensor<2x3xf32>"):
        evaluate(op, [x])


def test_an_op_without_an_entry_is_not_evaluable(monkeypatch: pytest.MonkeyPatch) -> None:
    op = _first_graph_op(RELU)
    monkeypatch.delitem(SEMANTICS, graph.ReluOp)
    assert semantics_of(op) is None
    with pytest.raises(NotEvaluable, match="has no numpy semantics") as raised:
        evaluate(op, [np.zeros((2, 3))])
    assert raised.value.op is op
