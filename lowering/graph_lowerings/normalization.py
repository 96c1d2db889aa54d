"""graph.softmax, graph.layer_norm, graph.batch_norm -> reductions and elementwise generics.

softmax along axis a (numerically stable; also used by attention):
    %m = max over a of x                       (reduction, init -inf, keepdims)
    %s = sum over a of exp(x - m)              (reduction, init 0, keepdims)
    %p = exp(x - m) / s                        (elementwise, m and s broadcast)

layer_norm over dims a..r-1, N elements per row:
    %mean = (sum of x) / N
    %inv  = 1 / sqrt((sum of (x - mean)^2) / N + epsilon)   (variance of centered values)
    %y    = (x - mean) * inv * scale + bias

batch_norm (inference), per channel c of dim 1:
    %k = scale / sqrt(var + epsilon)           (on the C-element parameters)
    %y = (x - mean) * k + bias
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects import math as math_dialect
from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import real
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.graph_lowerings.reduction import add_body, max_body
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


def _type(value: SSAValue) -> TensorType:
    assert isinstance(value.type, TensorType)
    return value.type


def softmax(s: StructuredBuilder, x: SSAValue, axis: int) -> SSAValue:
    """exp(x - max) / sum(exp(x - max)) along `axis` (positive)."""
    type_ = _type(x)
    shape = type_.get_shape()
    row_max = s.reduction([x], shape, [axis], -math.inf, max_body)

    def exp_shifted(b: ScalarBuilder, v: Sequence[SSAValue]) -> SSAValue:
        return b.exp(b.subf(v[0], v[1]))

    sums = s.reduction(
        [x, row_max], shape, [axis], 0.0, lambda b, v: [b.addf(v[2], exp_shifted(b, v))]
    )
    return s.elementwise(
        [x, row_max, sums], type_, lambda b, v: [b.divf(exp_shifted(b, v), v[2])]
    )


@lowers(graph.SoftmaxOp)
def _softmax(op: graph.SoftmaxOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [softmax(s, op.input, op.normalized_axis())]


@lowers(graph.LayerNormOp)
def _layer_norm(op: graph.LayerNormOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    x = op.input
    type_ = _type(x)
    shape = type_.get_shape()
    axes = list(range(op.normalized_axis(), len(shape)))
    count = float(math.prod(shape[a] for a in axes))
    epsilon = real(op.epsilon)
    total = s.reduction([x], shape, axes, 0.0, add_body)
    mean = s.elementwise([total], _type(total), lambda b, v: [b.divf(v[0], b.like(count, v[0]))])

    def squared_deviation(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        centered = b.subf(v[0], v[1])
        return [b.addf(v[2], b.mulf(centered, centered))]

    squares = s.reduction([x, mean], shape, axes, 0.0, squared_deviation)

    def inverse_deviation(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        variance = b.divf(v[0], b.like(count, v[0]))
        deviation = b.unary(math_dialect.SqrtOp, b.addf(variance, b.like(epsilon, v[0])))
        return [b.divf(b.like(1.0, v[0]), deviation)]

    inverse = s.elementwise([squares], _type(squares), inverse_deviation)

    def normalize(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        y = b.mulf(b.mulf(b.subf(v[0], v[1]), v[2]), v[3])
        return [b.addf(y, v[4]) if op.bias is not None else y]

    inputs = [x, mean, inverse, op.scale, *([op.bias] if op.bias is not None else [])]
    return [s.elementwise(inputs, type_, normalize)]


@lowers(graph.BatchNormOp)
def _batch_norm(op: graph.BatchNormOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    epsilon = real(op.epsilon)

    def channel_factor(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        deviation = b.unary(math_dialect.SqrtOp, b.addf(v[1], b.like(epsilon, v[1])))
        return [b.divf(v[0], deviation)]

    factor = s.elementwise([op.scale, op.var], _type(op.scale), channel_factor)
    type_ = _type(op.input)
    rank = len(type_.get_shape())
    identity = AffineMap.identity(rank)
    channel = AffineMap(rank, 0, (AffineExpr.dimension(1),))

    def normalize(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        return [b.addf(b.mulf(b.subf(v[0], v[1]), v[2]), v[3])]

    return [
        s.elementwise(
            [op.input, op.mean, factor, op.bias],
            type_,
            normalize,
            maps=[identity, channel, channel, channel],
        )
    ]
