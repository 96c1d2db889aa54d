"""ReduceSum, ReduceMean, ReduceMax -> graph.reduce_sum / reduce_mean / reduce_max.

    ReduceSum-13(x, axes) {keepdims}      -> graph.reduce_sum %x {axes, keepdims}
    ReduceMean-13(x) {axes, keepdims}     -> graph.reduce_mean %x {axes, keepdims}

The axes are an attribute up to ReduceSum-11 and ReduceMean/ReduceMax-13, and
an input (which must be static) from ReduceSum-13 and ReduceMean/ReduceMax-18.
Without axes every axis is reduced, unless `noop_with_empty_axes = 1`, which
makes the node an identity.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IntegerAttr
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts

REDUCTIONS = {
    "ReduceSum": (graph.ReduceSumOp, 13),
    "ReduceMean": (graph.ReduceMeanOp, 18),
    "ReduceMax": (graph.ReduceMaxOp, 18),
}
"""op type -> (graph op, the first version taking the axes as an input)."""


@converts(
    *REDUCTIONS,
    versions=(11, 12, 13, 18, 20),
    attributes=("axes", "keepdims", "noop_with_empty_axes"),
    static_inputs=(1,),
)
def _reduce(ctx: NodeContext) -> Sequence[SSAValue | None]:
    op_type, axes_input_since = REDUCTIONS[ctx.node.op_type]
    x = ctx.value(0, "data")
    if ctx.version >= axes_input_since:
        if ctx.has_attr("axes"):
            raise ctx.error(f"axes is an input, not an attribute, in {ctx.node.op_type}-{ctx.version}")
        axes = ctx.static_ints(1, "axes") if ctx.has_input(1) else ()
    else:
        axes = ctx.ints_attr("axes") or ()
    if not axes and ctx.bool_attr("noop_with_empty_axes"):
        return [x]
    properties = {
        "axes": int_array(axes),
        "keepdims": IntegerAttr.from_bool(ctx.bool_attr("keepdims", True)),
    }
    return [ctx.emit(op_type, [x], properties)]
