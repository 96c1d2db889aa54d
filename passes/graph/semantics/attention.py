"""Numpy semantics of graph.attention (and of kernel.attention, in the reference executor).

    attention(q, k, v, mask, scale, causal)   # softmax(q k^T * scale + mask) v, [B, H, L, D]
"""

from __future__ import annotations

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.passes.graph.semantics.normalization import softmax
from nnopt.passes.graph.semantics.table import numpy_semantics, widened


def attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, scale: float, causal: bool
) -> np.ndarray:
    """softmax(q k^T * scale [+ mask]) v in float64, over [B, H, L, D] arrays.

    Query head h reads key/value head h / (H / Hkv) (grouped-query attention). With
    `causal`, query i sees keys j <= i + (Lk - Lq); a query that sees none gives NaN.
    """
    q, k, v = widened(q), widened(k), widened(v)
    groups = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, groups, axis=1), np.repeat(v, groups, axis=1)
    scores = (q @ np.swapaxes(k, -1, -2)) * scale
    if mask is not None:
        scores = scores + widened(mask)
    if causal:
        lq, lk = scores.shape[-2:]
        hidden = np.arange(lk)[None, :] > np.arange(lq)[:, None] + (lk - lq)
        scores = np.where(hidden, -np.inf, scores)
    with np.errstate(invalid="ignore"):
        return softmax(scores, -1) @ v


@numpy_semantics(graph.AttentionOp)
def _attention(
    op: graph.AttentionOp,
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """attention with the op's scale (default 1 / sqrt(D)) and causal flag."""
    return attention(q, k, v, mask, op.scale_value(), flag(op.causal))
