"""MatMul and Gemm -> graph.matmul and graph.gemm.

    MatMul(a, b)                                   -> graph.matmul %a, %b
    Gemm(a, b, c) {alpha, beta, transA, transB}    -> graph.gemm %a, %b, %c {alpha, beta, trans_a, trans_b}
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import FloatAttr, IntegerAttr
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts


@converts("MatMul", versions=(9, 13))
def _matmul(ctx: NodeContext) -> Sequence[SSAValue | None]:
    return [ctx.emit(graph.MatmulOp, [ctx.value(0, "A"), ctx.value(1, "B")])]


@converts("Gemm", versions=(11, 13), attributes=("alpha", "beta", "transA", "transB"))
def _gemm(ctx: NodeContext) -> Sequence[SSAValue | None]:
    element = ctx.element_type()
    a, b = ctx.value(0, "A"), ctx.value(1, "B")
    c = ctx.optional_value(2, "C")
    properties = {
        "alpha": FloatAttr(ctx.float_attr("alpha", 1.0), element),
        "beta": FloatAttr(ctx.float_attr("beta", 1.0), element),
        "trans_a": IntegerAttr.from_bool(ctx.bool_attr("transA")),
        "trans_b": IntegerAttr.from_bool(ctx.bool_attr("transB")),
    }
    return [ctx.emit(graph.GemmOp, [a, b, [c] if c is not None else []], properties)]
