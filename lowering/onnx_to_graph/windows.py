"""Sliding-window attributes shared by Conv and the pooling ops.

    window = read_window(ctx, spatial=(8, 8), kernel=(3, 3))
    window.pads      # [begins..., ends...], with auto_pad SAME_UPPER / SAME_LOWER / VALID resolved

`auto_pad = SAME_*` pads so that each output size is ceil(input / stride); the
odd pixel goes at the end (SAME_UPPER) or at the beginning (SAME_LOWER), as in
ONNX. `ceil_output_pads` turns pooling's `ceil_mode` into extra end padding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nnopt.lowering.onnx_to_graph.node_context import NodeContext

WINDOW_ATTRIBUTES = ("auto_pad", "dilations", "kernel_shape", "pads", "strides")


@dataclass(frozen=True)
class Window:
    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilations: tuple[int, ...]
    pads: tuple[int, ...]
    """[x1_begin, x2_begin, ..., x1_end, x2_end, ...]"""

    def extent(self, i: int) -> int:
        return self.dilations[i] * (self.kernel[i] - 1) + 1


def _per_dim(ctx: NodeContext, name: str, rank: int, default: int) -> tuple[int, ...]:
    values = ctx.ints_attr(name)
    if values is None:
        return (default,) * rank
    if len(values) != rank:
        raise ctx.error(f"{name} has {len(values)} values for {rank} spatial dimensions")
    return values


def same_pads(
    spatial: Sequence[int], window: Window, upper: bool
) -> tuple[int, ...]:
    """Pads giving output size ceil(input / stride) in every spatial dim."""
    begins: list[int] = []
    ends: list[int] = []
    for i, size in enumerate(spatial):
        out = -(-size // window.strides[i])
        total = max(0, (out - 1) * window.strides[i] + window.extent(i) - size)
        small, large = total // 2, total - total // 2
        begins.append(small if upper else large)
        ends.append(large if upper else small)
    return (*begins, *ends)


def read_window(ctx: NodeContext, spatial: Sequence[int], kernel: Sequence[int]) -> Window:
    """The window of a Conv or pooling node over `spatial` with `kernel` sizes."""
    rank = len(spatial)
    declared = ctx.ints_attr("kernel_shape")
    if declared is not None and tuple(declared) != tuple(kernel):
        raise ctx.error(f"kernel_shape {list(declared)} differs from the weight's {list(kernel)}")
    strides = _per_dim(ctx, "strides", rank, 1)
    dilations = _per_dim(ctx, "dilations", rank, 1)
    pads = ctx.ints_attr("pads")
    if pads is not None and len(pads) != 2 * rank:
        raise ctx.error(f"pads has {len(pads)} values for {rank} spatial dimensions")
    window = Window(tuple(kernel), strides, dilations, pads or (0,) * (2 * rank))
    auto_pad = ctx.str_attr("auto_pad", "NOTSET")
    if auto_pad == "NOTSET":
        return window
    if pads is not None and any(pads):
        raise ctx.error(f"pads {list(pads)} cannot be combined with auto_pad {auto_pad}")
    if auto_pad == "VALID":
        return Window(window.kernel, strides, dilations, (0,) * (2 * rank))
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        return Window(
            window.kernel, strides, dilations, same_pads(spatial, window, auto_pad == "SAME_UPPER")
        )
    raise ctx.error(f"auto_pad '{auto_pad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")


def ceil_output_pads(spatial: Sequence[int], window: Window) -> tuple[int, ...]:
    """The pads for which floor-mode windows give ONNX's `ceil_mode = 1` output.

    Each output size is rounded up, except that the last window must start inside
    the input or its begin padding; the extra end padding covers that last window.
    """
    rank = len(spatial)
    ends = list(window.pads[rank:])
    for i, size in enumerate(spatial):
        padded = size + window.pads[i] + ends[i]
        reach = padded - window.extent(i)
        out = -(-reach // window.strides[i]) + 1
        if (out - 1) * window.strides[i] >= size + window.pads[i]:
            out -= 1
        ends[i] += max(0, (out - 1) * window.strides[i] + window.extent(i) - padded)
    return (*window.pads[:rank], *ends)
