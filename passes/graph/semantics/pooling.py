"""Numpy semantics of graph.max_pool, graph.avg_pool and graph.global_avg_pool.

    max_pool: maximumf over each (dilated) window of the input padded with -inf
    avg_pool: window sums over the zero-padded input / the kernel size, or (without
              count_include_pad) / the number of input positions in the window
"""

from __future__ import annotations

import math

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.passes.graph.semantics.extrema import maximumf_reduce
from nnopt.passes.graph.semantics.table import numpy_semantics
from nnopt.passes.graph.semantics.windows import pad_spatial, window_taps


@numpy_semantics(graph.MaxPoolOp)
def _max_pool(op: graph.MaxPoolOp, x: np.ndarray) -> np.ndarray:
    """The maximumf of each window: padding (-inf) never wins, NaN propagates, -0 < +0."""
    kernel, strides, pads, dilations = op.window()
    taps = window_taps(pad_spatial(x, pads, -np.inf), kernel, strides, dilations)
    return maximumf_reduce(np.stack([view for _, view in taps]), axis=0)


@numpy_semantics(graph.AvgPoolOp)
def _avg_pool(op: graph.AvgPoolOp, x: np.ndarray) -> np.ndarray:
    """The mean of each (dilated) window, padded positions counted only with count_include_pad."""
    kernel, strides, pads, dilations = op.window()
    taps = window_taps(pad_spatial(x, pads, 0.0), kernel, strides, dilations)
    total = sum(view for _, view in taps)
    if flag(op.count_include_pad):
        return np.asarray(total / math.prod(kernel))
    inside = window_taps(pad_spatial(np.ones_like(x), pads, 0.0), kernel, strides, dilations)
    return np.asarray(total / sum(view for _, view in inside))


@numpy_semantics(graph.GlobalAvgPoolOp)
def _global_avg_pool(op: graph.GlobalAvgPoolOp, x: np.ndarray) -> np.ndarray:
    """The mean over every spatial dim, kept as dims of size 1."""
    return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)
