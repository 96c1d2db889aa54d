"""Softmax, LayerNormalization, BatchNormalization -> graph normalization ops.

    Softmax-13(x) {axis}              -> graph.softmax %x {axis}
    Softmax-1/11(x) {axis}            -> reshape to 2-D [prod(dims < axis), prod(dims >= axis)],
                                         graph.softmax {axis = 1}, reshape back
    LayerNormalization(x, s, b)       -> graph.layer_norm %x, %s, %b {axis, epsilon}
        (Mean and InvStdDev, when read: graph.reduce_mean, graph.sub, graph.mul, graph.rsqrt)
    BatchNormalization(x, s, b, m, v) -> graph.batch_norm %x, %s, %b, %m, %v {epsilon}
        (training_mode = 1: the batch's mean and variance, and the running statistics)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import onnx
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, i64
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts
from nnopt.lowering.onnx_to_graph.tensors import element_type_of


@converts("Softmax", versions=(1, 11, 13), attributes=("axis",))
def _softmax(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x = ctx.value(0, "input")
    shape = ctx.shape(x)
    rank = len(shape)
    axis = ctx.int_attr("axis", -1 if ctx.version >= 13 else 1)
    if not -rank <= axis < max(rank, 1):
        raise ctx.error(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    if ctx.version >= 13 or axis == rank - 1:
        return [ctx.emit(graph.SoftmaxOp, [x], {"axis": IntegerAttr(axis, i64)})]
    # Before opset 13 the input is coerced to 2-D at `axis` and normalized per row.
    rows = ctx.reshape(x, (math.prod(shape[:axis]), math.prod(shape[axis:])))
    normalized = ctx.emit(graph.SoftmaxOp, [rows], {"axis": IntegerAttr(1, i64)})
    return [ctx.reshape(normalized, shape)]


def _mean_and_variance(
    ctx: NodeContext, x: SSAValue, axes: Sequence[int], keepdims: bool
) -> tuple[SSAValue, SSAValue]:
    """The mean and the biased variance of `x` over `axes`."""
    keep = {"axes": int_array(axes), "keepdims": IntegerAttr.from_bool(True)}
    mean = ctx.emit(graph.ReduceMeanOp, [x], keep)
    centered = ctx.emit(graph.SubOp, [x, mean])
    squares = ctx.emit(graph.MulOp, [centered, centered])
    properties = {"axes": int_array(axes), "keepdims": IntegerAttr.from_bool(keepdims)}
    variance = ctx.emit(graph.ReduceMeanOp, [squares], properties)
    if not keepdims:
        mean = ctx.emit(graph.ReduceMeanOp, [x], properties)
    return mean, variance


@converts("LayerNormalization", versions=(17,), attributes=("axis", "epsilon", "stash_type"))
def _layer_norm(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x = ctx.value(0, "X")
    scale = ctx.value(1, "Scale")
    bias = ctx.optional_value(2, "B")
    element = ctx.element_type()
    stash = ctx.int_attr("stash_type", onnx.TensorProto.FLOAT)
    if element_type_of(stash) != element:
        raise ctx.error(
            f"stash_type {onnx.TensorProto.DataType.Name(stash)} is not supported for "
            f"{element} inputs: the statistics are computed in the input type"
        )
    axis = ctx.int_attr("axis", -1)
    epsilon = ctx.float_attr("epsilon", 1e-5)
    properties = {"axis": IntegerAttr(axis, i64), "epsilon": FloatAttr(epsilon, element)}
    y = ctx.emit(graph.LayerNormOp, [x, scale, [bias] if bias is not None else []], properties)
    if not (ctx.wants_output(1) or ctx.wants_output(2)):
        return [y]
    rank = len(ctx.shape(x))
    first = axis + rank if axis < 0 else axis
    mean, variance = _mean_and_variance(ctx, x, range(first, rank), keepdims=True)
    inv_std_dev = ctx.emit(
        graph.RsqrtOp, [ctx.emit(graph.AddOp, [variance, ctx.scalar(epsilon)])]
    )
    return [y, mean, inv_std_dev]


@converts(
    "BatchNormalization",
    versions=(9, 14, 15),
    attributes=("epsilon", "momentum", "training_mode"),
)
def _batch_norm(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x = ctx.value(0, "X")
    scale, bias = ctx.value(1, "scale"), ctx.value(2, "B")
    mean, var = ctx.value(3, "input_mean"), ctx.value(4, "input_var")
    element = ctx.element_type()
    properties = {"epsilon": FloatAttr(ctx.float_attr("epsilon", 1e-5), element)}
    if not ctx.bool_attr("training_mode"):
        return [ctx.emit(graph.BatchNormOp, [x, scale, bias, mean, var], properties)]
    # Training mode normalizes with the batch statistics and updates the running ones.
    axes = [a for a in range(len(ctx.shape(x))) if a != 1]
    batch_mean, batch_var = _mean_and_variance(ctx, x, axes, keepdims=False)
    y = ctx.emit(graph.BatchNormOp, [x, scale, bias, batch_mean, batch_var], properties)
    momentum = ctx.float_attr("momentum", 0.9)

    def running(old: SSAValue, batch: SSAValue) -> SSAValue:
        kept = ctx.emit(graph.MulOp, [old, ctx.scalar(momentum)])
        new = ctx.emit(graph.MulOp, [batch, ctx.scalar(1.0 - momentum)])
        return ctx.emit(graph.AddOp, [kept, new])

    return [y, running(mean, batch_mean), running(var, batch_var)]
