"""Numpy semantics of graph.layout, through the index map the lowering also uses.

    relayout(x, "NCHW", "NCHW16c", (1, 2, 8, 8, 16))   # x[n, c, h, w] at [n, c // 16, h, w, c % 16]

`source_index` (nnopt.dialects.graph.layout) says where each result element is
read from; here it runs on numpy index arrays, in the lowering on affine
expressions, so the two cannot disagree on where a block goes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.layout import Layout, source_index
from nnopt.passes.graph.semantics.table import numpy_semantics, result_shape


def relayout(x: np.ndarray, source: str, target: str, target_shape: Sequence[int]) -> np.ndarray:
    """`x`, laid out as `source`, in the `target` layout (of shape `target_shape`)."""
    index = list(np.indices(tuple(target_shape), sparse=True))
    return x[tuple(source_index(Layout.parse(source), Layout.parse(target), index))]


@numpy_semantics(graph.LayoutOp)
def _layout(op: graph.LayoutOp, x: np.ndarray) -> np.ndarray:
    """The input moved from the `from` layout to the `to` layout."""
    return relayout(x, op.source_layout.data, op.target_layout.data, result_shape(op))
