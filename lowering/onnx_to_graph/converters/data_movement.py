"""Transpose, Reshape, Flatten, Concat, Pad -> graph data-movement ops.

    Transpose(x) {perm}            -> graph.transpose %x {perm}
    Reshape(x, shape)              -> graph.reshape %x (0 copies a dim, -1 is inferred)
    Flatten(x) {axis}              -> graph.flatten %x {axis}
    Concat(a, b, ...) {axis}       -> graph.concat %a, %b, ... {axis}
    Pad(x, pads, value, axes)      -> graph.pad %x {pads, value}   (mode "constant" only)

When every input is known at import time (a weight, a shape computed from
constants) the result is computed here with numpy and stays a static value.
Later versions of these ops only add element types.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, i64

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext, Tensor
from nnopt.lowering.onnx_to_graph.registry import converts


def _normalize_axis(ctx: NodeContext, axis: int, rank: int, upper: int) -> int:
    if not -rank <= axis <= upper:
        raise ctx.error(f"axis {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


@converts("Transpose", versions=(1, 13, 21, 23, 24, 25), attributes=("perm",))
def _transpose(ctx: NodeContext) -> Sequence[Tensor | None]:
    data = ctx.tensor(0, "data")
    perm = ctx.ints_attr("perm")
    if isinstance(data, np.ndarray):
        return [np.transpose(data, perm)]
    properties = {} if perm is None else {"perm": int_array(perm)}
    return [ctx.emit(graph.TransposeOp, [data], properties)]


def reshape_target(ctx: NodeContext, source: Sequence[int], requested: Sequence[int]) -> tuple[int, ...]:
    """ONNX Reshape's output shape: 0 copies the input dim (unless allowzero), -1 is inferred."""
    allow_zero = ctx.bool_attr("allowzero")
    target = list(requested)
    for i, size in enumerate(target):
        if size == 0 and not allow_zero:
            if i >= len(source):
                raise ctx.error(f"shape {list(requested)} copies dimension {i}, which the input lacks")
            target[i] = source[i]
    unknown = [i for i, size in enumerate(target) if size == -1]
    if len(unknown) > 1 or any(size < -1 for size in target):
        raise ctx.error(f"shape {list(requested)} is not a valid Reshape shape")
    total = math.prod(source)
    if unknown:
        known = math.prod(size for size in target if size != -1)
        if known == 0 or total % known:
            raise ctx.error(f"cannot reshape {list(source)} into {list(requested)}")
        target[unknown[0]] = total // known
    if math.prod(target) != total:
        raise ctx.error(f"cannot reshape {list(source)} ({total} elements) into {target}")
    return tuple(target)


@converts(
    "Reshape", versions=(5, 13, 14, 19, 21, 23, 24, 25), attributes=("allowzero",), static_inputs=(1,)
)
def _reshape(ctx: NodeContext) -> Sequence[Tensor | None]:
    data = ctx.tensor(0, "data")
    source = tuple(data.shape) if isinstance(data, np.ndarray) else ctx.shape(data)
    target = reshape_target(ctx, source, ctx.static_ints(1, "shape"))
    if isinstance(data, np.ndarray):
        return [data.reshape(target)]
    return [ctx.reshape(data, target)]


@converts("Flatten", versions=(1, 9, 11, 13, 21, 23, 24, 25), attributes=("axis",))
def _flatten(ctx: NodeContext) -> Sequence[Tensor | None]:
    data = ctx.tensor(0, "input")
    shape = tuple(data.shape) if isinstance(data, np.ndarray) else ctx.shape(data)
    axis = _normalize_axis(ctx, ctx.int_attr("axis", 1), len(shape), len(shape))
    if isinstance(data, np.ndarray):
        return [data.reshape(math.prod(shape[:axis]), math.prod(shape[axis:]))]
    return [ctx.emit(graph.FlattenOp, [data], {"axis": IntegerAttr(axis, i64)})]


@converts("Concat", versions=(4, 11, 13), attributes=("axis",))
def _concat(ctx: NodeContext) -> Sequence[Tensor | None]:
    if not ctx.has_attr("axis"):
        raise ctx.error("attribute axis is required")
    axis = ctx.int_attr("axis", 0)
    parts = [ctx.tensor(i, f"inputs #{i}") for i in range(ctx.input_count())]
    if not parts:
        raise ctx.error("needs at least one input")
    if all(isinstance(p, np.ndarray) for p in parts):
        arrays = [p for p in parts if isinstance(p, np.ndarray)]
        rank = arrays[0].ndim
        return [np.concatenate(arrays, axis=_normalize_axis(ctx, axis, rank, rank - 1))]
    values = ctx.values("inputs")
    return [ctx.emit(graph.ConcatOp, [values], {"axis": IntegerAttr(axis, i64)})]


@converts(
    "Pad",
    versions=(11, 13, 18, 19, 21, 23, 24, 25),
    attributes=("mode",),
    static_inputs=(1, 2, 3),
)
def _pad(ctx: NodeContext) -> Sequence[Tensor | None]:
    mode = ctx.str_attr("mode", "constant")
    if mode != "constant":
        raise ctx.error(f"mode '{mode}' is not supported (only 'constant')")
    x = ctx.value(0, "data")
    rank = len(ctx.shape(x))
    given = ctx.static_ints(1, "pads")
    axes = ctx.static_ints(3, "axes") if ctx.has_input(3) else tuple(range(rank))
    if len(given) != 2 * len(axes):
        raise ctx.error(f"pads has {len(given)} values for {len(axes)} axes (expected {2 * len(axes)})")
    pads = [0] * (2 * rank)
    for i, axis in enumerate(axes):
        positive = _normalize_axis(ctx, axis, rank, rank - 1)
        pads[positive] = given[i]
        pads[rank + positive] = given[len(axes) + i]
    value = ctx.static_scalar(2, "constant_value") or 0.0
    if not any(pads):
        return [x]
    properties = {"pads": int_array(pads), "value": FloatAttr(value, ctx.element_type())}
    return [ctx.emit(graph.PadOp, [x], properties)]
