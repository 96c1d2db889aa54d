"""Elementwise graph ops and constants -> linalg.generic / arith.constant.

    %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
becomes
    %e = tensor.empty() : tensor<4x16xf32>
    %z = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1),
                                          (d0, d1) -> (d0, d1)], ...}
           ins(%y, %b : ...) outs(%e : ...) { ^bb0(%a, %c, %o): linalg.yield (%a + %c) }
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


@lowers(graph.ConstantOp)
def _constant(op: graph.ConstantOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [s.constant_tensor(op.value)]


@lowers(graph.AddOp)
def _add(op: graph.AddOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [s.elementwise([op.lhs, op.rhs], op.result.type, lambda b, x: [b.addf(x[0], x[1])])]


def _relu_body(b: ScalarBuilder, x: Sequence[SSAValue]) -> list[SSAValue]:
    return [b.maximumf(x[0], b.const(0.0, x[0].type))]


@lowers(graph.ReluOp)
def _relu(op: graph.ReluOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [s.elementwise([op.input], op.result.type, _relu_body)]
