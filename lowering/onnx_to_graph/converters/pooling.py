"""MaxPool, AveragePool, GlobalAveragePool -> graph pooling ops.

    MaxPool(x) {kernel_shape, strides, pads, dilations, auto_pad, ceil_mode}
        -> graph.max_pool %x {kernel_shape, strides, pads, dilations}
    AveragePool(x) {kernel_shape, strides, pads, dilations, count_include_pad, ...}
        -> graph.avg_pool %x {kernel_shape, strides, pads, dilations, count_include_pad}
    GlobalAveragePool(x) -> graph.global_avg_pool %x

`ceil_mode = 1` becomes extra end padding, which never wins a maximum and is
never counted by an average (ONNX counts the explicit pads with
`count_include_pad`, but not the ceil_mode extension: those pads become an
explicit graph.pad then). MaxPool's Indices output is not produced.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IntegerAttr
from xdsl.ir import Attribute, SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts
from nnopt.lowering.onnx_to_graph.windows import (
    WINDOW_ATTRIBUTES,
    Window,
    ceil_output_pads,
    read_window,
)


def _pool_window(ctx: NodeContext, x: SSAValue) -> tuple[Window, tuple[int, ...]]:
    """The node's window over `x` and the pads that realise its ceil_mode."""
    kernel = ctx.ints_attr("kernel_shape")
    if kernel is None:
        raise ctx.error("attribute kernel_shape is required")
    shape = ctx.shape(x)
    if len(shape) != len(kernel) + 2:
        raise ctx.error(
            f"kernel_shape {list(kernel)} does not fit the input shape {list(shape)} "
            "(N x C x spatial dims)"
        )
    window = read_window(ctx, shape[2:], kernel)
    pads = window.pads
    if ctx.bool_attr("ceil_mode"):
        pads = ceil_output_pads(shape[2:], window)
    return window, pads


def _window_properties(window: Window, pads: Sequence[int]) -> dict[str, Attribute]:
    return {
        "kernel_shape": int_array(window.kernel),
        "strides": int_array(window.strides),
        "pads": int_array(pads),
        "dilations": int_array(window.dilations),
    }


@converts(
    "MaxPool",
    versions=(10, 11, 12, 22),
    attributes=(*WINDOW_ATTRIBUTES, "ceil_mode", "storage_order"),
)
def _max_pool(ctx: NodeContext) -> Sequence[SSAValue | None]:
    if ctx.wants_output(1):
        raise ctx.error("the Indices output (argmax positions) is not supported")
    x = ctx.value(0, "X")
    window, pads = _pool_window(ctx, x)
    return [ctx.emit(graph.MaxPoolOp, [x], _window_properties(window, pads))]


@converts(
    "AveragePool",
    versions=(10, 11, 19, 22),
    attributes=(*WINDOW_ATTRIBUTES, "ceil_mode", "count_include_pad"),
)
def _average_pool(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x = ctx.value(0, "X")
    window, pads = _pool_window(ctx, x)
    count_include_pad = ctx.bool_attr("count_include_pad")
    if count_include_pad and pads != window.pads:
        # The ceil_mode extension is not counted, the explicit pads are: pad the input
        # with zeros explicitly and count only input positions.
        rank = len(window.kernel)
        explicit = [0, 0, *window.pads[:rank], 0, 0, *window.pads[rank:]]
        x = ctx.emit(graph.PadOp, [x], {"pads": int_array(explicit)})
        pads = (0,) * rank + tuple(p - q for p, q in zip(pads[rank:], window.pads[rank:], strict=True))
        count_include_pad = False
    properties = _window_properties(window, pads)
    properties["count_include_pad"] = IntegerAttr.from_bool(count_include_pad)
    return [ctx.emit(graph.AvgPoolOp, [x], properties)]


@converts("GlobalAveragePool", versions=(1, 22))
def _global_average_pool(ctx: NodeContext) -> Sequence[SSAValue | None]:
    return [ctx.emit(graph.GlobalAvgPoolOp, [ctx.value(0, "X")])]
