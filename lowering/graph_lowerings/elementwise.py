"""Elementwise graph ops, casts and constants -> linalg.generic / arith.constant.

    %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
becomes
    %e = tensor.empty() : tensor<4x16xf32>
    %z = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1),
                                          (d0, d1) -> (d0, d1)], ...}
           ins(%y, %b : ...) outs(%e : ...) { ^bb0(%a, %c, %o): linalg.yield (%a + %c) }

Each op differs only in its scalar body, given by the tables below.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import AnyFloat, IntegerType
from xdsl.ir import Operation, SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import real
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


@lowers(graph.ConstantOp)
def _constant(op: graph.ConstantOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [s.constant_tensor(op.value)]


# -- binary --------------------------------------------------------------------------

BINARY_SCALAR_OPS: dict[type[Operation], type[Operation]] = {
    graph.AddOp: arith.AddfOp,
    graph.SubOp: arith.SubfOp,
    graph.MulOp: arith.MulfOp,
    graph.DivOp: arith.DivfOp,
    graph.MaxOp: arith.MaximumfOp,
    graph.MinOp: arith.MinimumfOp,
    graph.PowOp: math.PowFOp,
}


def _lower_binary(op: graph.ElementwiseBinaryOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    scalar_op = BINARY_SCALAR_OPS[type(op)]
    return [
        s.elementwise(
            [op.lhs, op.rhs], op.result.type, lambda b, x: [b.binary(scalar_op, x[0], x[1])]
        )
    ]


lowers(*BINARY_SCALAR_OPS)(_lower_binary)


# -- unary ---------------------------------------------------------------------------

UnaryBody = Callable[[Operation, ScalarBuilder, SSAValue], SSAValue]


def _relu(op: Operation, b: ScalarBuilder, x: SSAValue) -> SSAValue:
    return b.maximumf(x, b.like(0.0, x))


def _sigmoid(op: Operation, b: ScalarBuilder, x: SSAValue) -> SSAValue:
    one = b.like(1.0, x)
    return b.divf(one, b.addf(one, b.exp(b.negf(x))))


def _gelu(op: Operation, b: ScalarBuilder, x: SSAValue) -> SSAValue:
    assert isinstance(op, graph.GeluOp)
    if op.approximate.data == "tanh":
        # 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
        cube = b.mulf(x, b.mulf(x, x))
        inner = b.addf(x, b.mulf(b.like(0.044715, x), cube))
        curve = b.unary(math.TanhOp, b.mulf(b.like(pymath.sqrt(2.0 / pymath.pi), x), inner))
    else:
        # 0.5 x (1 + erf(x / sqrt 2))
        curve = b.unary(math.ErfOp, b.mulf(x, b.like(pymath.sqrt(0.5), x)))
    return b.mulf(b.mulf(b.like(0.5, x), x), b.addf(b.like(1.0, x), curve))


def _clip(op: Operation, b: ScalarBuilder, x: SSAValue) -> SSAValue:
    assert isinstance(op, graph.ClipOp)
    if op.min_value is not None:
        x = b.maximumf(x, b.like(real(op.min_value), x))
    if op.max_value is not None:
        x = b.minimumf(x, b.like(real(op.max_value), x))
    return x


def _math(op_type: type[Operation]) -> UnaryBody:
    return lambda op, b, x: b.unary(op_type, x)


UNARY_BODIES: dict[type[Operation], UnaryBody] = {
    graph.ReluOp: _relu,
    graph.GeluOp: _gelu,
    graph.SigmoidOp: _sigmoid,
    graph.TanhOp: _math(math.TanhOp),
    graph.ExpOp: _math(math.ExpOp),
    graph.LogOp: _math(math.LogOp),
    graph.SqrtOp: _math(math.SqrtOp),
    graph.RsqrtOp: _math(math.RsqrtOp),
    graph.NegOp: _math(arith.NegfOp),
    graph.ErfOp: _math(math.ErfOp),
    graph.ClipOp: _clip,
}


def _lower_unary(op: graph.ElementwiseUnaryOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    body = UNARY_BODIES[type(op)]
    return [s.elementwise([op.input], op.result.type, lambda b, x: [body(op, b, x[0])])]


lowers(*UNARY_BODIES)(_lower_unary)


# -- conversion ----------------------------------------------------------------------


def _convert(b: ScalarBuilder, x: SSAValue, target: AnyFloat) -> SSAValue:
    """`x` as a `target` float: i1 unsigned, wider integers signed, floats rounded."""
    source = x.type
    if isinstance(source, IntegerType):
        conversion = arith.UIToFPOp if source.width.data == 1 else arith.SIToFPOp
        return b.insert(conversion(x, target))
    assert isinstance(source, AnyFloat)
    if source.bitwidth < target.bitwidth:
        return b.insert(arith.ExtFOp(x, target))
    if source.bitwidth > target.bitwidth:
        return b.insert(arith.TruncFOp(x, target))
    return x


@lowers(graph.CastOp)
def _cast(op: graph.CastOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    target = op.element_type()
    return [s.elementwise([op.input], op.result.type, lambda b, x: [_convert(b, x[0], target)])]
