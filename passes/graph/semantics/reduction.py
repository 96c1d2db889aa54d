"""Numpy semantics of graph.reduce_sum, graph.reduce_mean and graph.reduce_max.

    graph.reduce_max -> maximumf over the axes from -inf (NaN propagates, -0 < +0)
"""

from __future__ import annotations

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.passes.graph.semantics.extrema import maximumf_reduce
from nnopt.passes.graph.semantics.table import numpy_semantics


@numpy_semantics(graph.ReduceSumOp)
def _reduce_sum(op: graph.ReduceSumOp, x: np.ndarray) -> np.ndarray:
    """The sum over the reduced axes."""
    return x.sum(axis=op.reduced_axes(), keepdims=flag(op.keepdims))


@numpy_semantics(graph.ReduceMeanOp)
def _reduce_mean(op: graph.ReduceMeanOp, x: np.ndarray) -> np.ndarray:
    """The mean over the reduced axes."""
    return x.mean(axis=op.reduced_axes(), keepdims=flag(op.keepdims))


@numpy_semantics(graph.ReduceMaxOp)
def _reduce_max(op: graph.ReduceMaxOp, x: np.ndarray) -> np.ndarray:
    """maximumf over the reduced axes."""
    return maximumf_reduce(x, op.reduced_axes(), keepdims=flag(op.keepdims))
