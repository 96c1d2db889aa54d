"""Numpy semantics of graph.transpose, graph.reshape, graph.flatten, graph.concat and graph.pad."""

from __future__ import annotations

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import ints, real
from nnopt.passes.graph.semantics.table import numpy_semantics, result_shape


@numpy_semantics(graph.TransposeOp)
def _transpose(op: graph.TransposeOp, x: np.ndarray) -> np.ndarray:
    """Result dim i is input dim perm[i] (default: the dims reversed)."""
    return np.transpose(x, op.permutation())


@numpy_semantics(graph.ReshapeOp, graph.FlattenOp)
def _reshape(op: graph.ReshapeOp | graph.FlattenOp, x: np.ndarray) -> np.ndarray:
    """The elements in row-major order, in the shape of the result type."""
    return x.reshape(result_shape(op))


@numpy_semantics(graph.ConcatOp)
def _concat(op: graph.ConcatOp, *inputs: np.ndarray) -> np.ndarray:
    """The operands joined along the op's axis."""
    return np.concatenate(inputs, axis=op.normalized_axis())


@numpy_semantics(graph.PadOp)
def _pad(op: graph.PadOp, x: np.ndarray) -> np.ndarray:
    """Constant padding by [begins..., ends...]; a negative pad crops."""
    pads = ints(op.pads)
    rank = x.ndim
    crop = tuple(
        slice(max(-pads[i], 0), x.shape[i] - max(-pads[rank + i], 0)) for i in range(rank)
    )
    widths = [(max(pads[i], 0), max(pads[rank + i], 0)) for i in range(rank)]
    return np.pad(x[crop], widths, constant_values=real(op.value))
