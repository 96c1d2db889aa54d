"""Conv -> graph.conv2d (1-D convolutions through a height-1 2-D one).

    Conv(x, w, b) {strides, pads, dilations, group, auto_pad}
        -> graph.conv2d %x, %w, %b {strides, pads, dilations, group}
    Conv over [N, C, L]  -> reshape to [N, C, 1, L] (and the weight to [F, C/g, 1, K]),
                            conv2d, reshape back to [N, F, L_out]
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts
from nnopt.lowering.onnx_to_graph.windows import WINDOW_ATTRIBUTES, read_window


@converts("Conv", versions=(11, 22), attributes=(*WINDOW_ATTRIBUTES, "group"))
def _conv(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x, w = ctx.value(0, "X"), ctx.value(1, "W")
    bias = ctx.optional_value(2, "B")
    x_shape, w_shape = ctx.shape(x), ctx.shape(w)
    if len(x_shape) != len(w_shape) or len(x_shape) not in (3, 4):
        raise ctx.error(
            f"only 1-D and 2-D convolutions are supported (input of rank 3 or 4 and a weight "
            f"of the same rank), got input {list(x_shape)} and weight {list(w_shape)}"
        )
    window = read_window(ctx, x_shape[2:], w_shape[2:])
    strides, dilations, pads = window.strides, window.dilations, window.pads
    one_d = len(x_shape) == 3
    if one_d:
        x = ctx.reshape(x, (*x_shape[:2], 1, x_shape[2]))
        w = ctx.reshape(w, (*w_shape[:2], 1, w_shape[2]))
        strides, dilations = (1, *strides), (1, *dilations)
        pads = (0, pads[0], 0, pads[1])
    properties = {
        "strides": int_array(strides),
        "pads": int_array(pads),
        "dilations": int_array(dilations),
        "group": IntegerAttr(ctx.int_attr("group", 1), i64),
    }
    y = ctx.emit(graph.Conv2dOp, [x, w, [bias] if bias is not None else []], properties)
    if one_d:
        n, f, _, length = ctx.shape(y)
        y = ctx.reshape(y, (n, f, length))
    return [y]
