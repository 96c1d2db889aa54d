"""graph.reduce_sum / reduce_mean / reduce_max -> a filled accumulator and a reduction.

    %s = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4x1xf32>
becomes
    %z = linalg.fill ins(%c0 : f32) outs(tensor.empty() : tensor<4x1xf32>)
    %s = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, 0)],
                         iterator_types = ["parallel", "reduction"]}
           ins(%x) outs(%z) { ^bb0(%v, %acc): linalg.yield %acc + %v }

reduce_max starts from -inf and keeps the maximum (NaN propagates); reduce_mean
divides the sum by the number of reduced elements in an elementwise generic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


def add_body(b: ScalarBuilder, x: Sequence[SSAValue]) -> list[SSAValue]:
    return [b.addf(x[-1], x[0])]


def max_body(b: ScalarBuilder, x: Sequence[SSAValue]) -> list[SSAValue]:
    return [b.maximumf(x[-1], x[0])]


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def reduce_mean(
    s: StructuredBuilder, x: SSAValue, axes: Sequence[int], keepdims: bool
) -> SSAValue:
    """The mean of `x` over `axes`: a sum, then a division by the element count."""
    shape = _shape(x)
    total = s.reduction([x], shape, axes, 0.0, add_body, keepdims)
    count = float(math.prod(shape[a] for a in axes))
    assert isinstance(total.type, TensorType)
    return s.elementwise([total], total.type, lambda b, v: [b.divf(v[0], b.like(count, v[0]))])


@lowers(graph.ReduceSumOp)
def _reduce_sum(op: graph.ReduceSumOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    axes, keepdims = op.reduced_axes(), flag(op.keepdims)
    return [s.reduction([op.input], _shape(op.input), axes, 0.0, add_body, keepdims)]


@lowers(graph.ReduceMaxOp)
def _reduce_max(op: graph.ReduceMaxOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    axes, keepdims = op.reduced_axes(), flag(op.keepdims)
    return [s.reduction([op.input], _shape(op.input), axes, -math.inf, max_body, keepdims)]


@lowers(graph.ReduceMeanOp)
def _reduce_mean(op: graph.ReduceMeanOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [reduce_mean(s, op.input, op.reduced_axes(), flag(op.keepdims))]
