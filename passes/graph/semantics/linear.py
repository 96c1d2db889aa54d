"""Numpy semantics of graph.constant, graph.matmul and graph.gemm.

    graph.constant -> the attribute's elements (a splat fills the shape)
    graph.matmul   -> np.matmul (batched, broadcasting leading dims)
    graph.gemm     -> alpha * op(A) @ op(B) + beta * C
"""

from __future__ import annotations

import numpy as np

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag, real
from nnopt.passes.graph.constants import array_of_attr
from nnopt.passes.graph.semantics.table import NotEvaluable, numpy_semantics


@numpy_semantics(graph.ConstantOp)
def _constant(op: graph.ConstantOp) -> np.ndarray:
    """The elements of the dense attribute, in its shape (NotEvaluable for types numpy lacks)."""
    value = array_of_attr(op.value)
    if value is None:
        raise NotEvaluable(f"holds {op.value.get_element_type()} elements, which numpy cannot hold")
    return value


@numpy_semantics(graph.MatmulOp)
def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """numpy's matmul: batched over the leading dims, which broadcast."""
    return np.matmul(a, b)


@numpy_semantics(graph.GemmOp)
def _gemm(op: graph.GemmOp, a: np.ndarray, b: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
    """alpha * op(A) @ op(B) [+ beta * C], op() transposing when trans_a / trans_b ask."""
    a = a.T if flag(op.trans_a) else a
    b = b.T if flag(op.trans_b) else b
    product = real(op.alpha) * (a @ b)
    return product if c is None else product + real(op.beta) * c
