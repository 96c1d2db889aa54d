"""Numpy semantics of graph.softmax, graph.layer_norm and graph.batch_norm.

    softmax(x, axis)   = exp(x - max) / sum(exp(x - max))          (also used by attention)
    layer_norm         = (x - mean) / sqrt(var + epsilon) * scale [+ bias], over dims axis..
    batch_norm         = (x - mean) * (scale / sqrt(var + epsilon)) + bias, per channel (dim 1)
"""

from __future__ import annotations

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import real
from nnopt.passes.graph.semantics.table import numpy_semantics


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """exp(x) / sum(exp(x)) along `axis`, the maximum subtracted first (NaN for a row of -inf)."""
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@numpy_semantics(graph.SoftmaxOp)
def _softmax(op: graph.SoftmaxOp, x: np.ndarray) -> np.ndarray:
    """softmax along the op's axis."""
    return softmax(x, op.normalized_axis())


@numpy_semantics(graph.LayerNormOp)
def _layer_norm(
    op: graph.LayerNormOp, x: np.ndarray, scale: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """Normalised over the dims from `axis` on (population variance), scaled, shifted."""
    axes = tuple(range(op.normalized_axis(), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(variance + real(op.epsilon)) * scale
    return y if bias is None else y + bias


@numpy_semantics(graph.BatchNormOp)
def _batch_norm(
    op: graph.BatchNormOp,
    x: np.ndarray,
    scale: np.ndarray,
    bias: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
) -> np.ndarray:
    """Inference batch normalisation with the per-channel factor scale / sqrt(var + epsilon)."""
    view = (1, -1) + (1,) * (x.ndim - 2)
    factor = scale / np.sqrt(var + real(op.epsilon))
    return (x - mean.reshape(view)) * factor.reshape(view) + bias.reshape(view)
