"""Numpy semantics of graph.conv2d, graph.conv2d_nchwc and graph.im2col.

    conv2d(x, w, bias, strides, pads, dilations, group)   # ONNX Conv on NCHW / FCHW arrays

graph.conv2d_nchwc is graph.conv2d on the same values in plain layouts (it
relays its operands out with `relayout`, and its result back).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import integer, ints
from nnopt.passes.graph.semantics.layout import relayout
from nnopt.passes.graph.semantics.table import numpy_semantics, result_shape
from nnopt.passes.graph.semantics.windows import pad_spatial, window_taps


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int,
) -> np.ndarray:
    """ONNX Conv of an N x C x H x W input with an F x C/group x KH x KW weight."""
    n, channels = x.shape[:2]
    filters = w.shape[0]
    per_group = channels // group
    weights = w.reshape(group, filters // group, per_group, *w.shape[2:])
    total: np.ndarray | None = None
    for (kh, kw), view in window_taps(pad_spatial(x, pads, 0.0), w.shape[2:], strides, dilations):
        grouped = view.reshape(n, group, per_group, *view.shape[2:])
        tap = np.einsum("ngchw,gfc->ngfhw", grouped, weights[:, :, :, kh, kw])
        total = tap if total is None else total + tap
    assert total is not None
    out = total.reshape(n, filters, *total.shape[3:])
    return out if bias is None else out + bias[None, :, None, None]


@numpy_semantics(graph.Conv2dOp)
def _conv2d(
    op: graph.Conv2dOp, x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """ONNX Conv with the op's strides, pads, dilations and group."""
    return conv2d(
        x, w, bias, ints(op.strides), ints(op.pads), ints(op.dilations), integer(op.group)
    )


@numpy_semantics(graph.Conv2dNchwcOp)
def _conv2d_nchwc(
    op: graph.Conv2dNchwcOp, x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """graph.conv2d (group 1) on the plain layouts of the blocked operands, blocked back."""
    n, c_blocks, h, width, c = x.shape
    f_blocks, _, kh, kw, _, f = w.shape
    plain_x = relayout(x, f"NCHW{c}c", "NCHW", (n, c_blocks * c, h, width))
    plain_w = relayout(w, f"OIHW{c}i{f}o", "OIHW", (f_blocks * f, c_blocks * c, kh, kw))
    plain_bias = None if bias is None else bias.reshape(-1)
    out = conv2d(
        plain_x, plain_w, plain_bias, ints(op.strides), ints(op.pads), ints(op.dilations), 1
    )
    return relayout(out, "NCHW", f"NCHW{f}c", result_shape(op))


@numpy_semantics(graph.Im2colOp)
def _im2col(op: graph.Im2colOp, x: np.ndarray) -> np.ndarray:
    """[N, C * KH * KW, OH * OW]: row (c * KH + kh) * KW + kw holds the window taps (kh, kw)."""
    padded = pad_spatial(x, ints(op.pads), 0.0)
    taps = window_taps(padded, ints(op.kernel_shape), ints(op.strides), ints(op.dilations))
    columns = np.stack([view for _, view in taps], axis=2)  # N, C, KH*KW, OH, OW
    n, c, k, oh, ow = columns.shape
    return columns.reshape(n, c * k, oh * ow)
