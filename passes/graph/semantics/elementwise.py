"""Numpy semantics of the elementwise graph ops: binary (broadcasting), unary, clip, gelu, cast.

    graph.max  -> maximumf(a, b)          NaN propagates, -0 < +0 (as the C does)
    graph.relu -> maximumf(x, 0)          relu(-0) = +0, relu(NaN) = NaN
    graph.clip -> minimumf(maximumf(x, min), max)
    graph.cast -> i1 as 0/1, other integers as signed, rounded once to the result type
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects.builtin import IntegerType, TensorType

from nnopt.dialects import graph
from nnopt.dialects.graph.base import real
from nnopt.passes.graph.semantics.extrema import maximumf, minimumf
from nnopt.passes.graph.semantics.table import NumpySemantics, numpy_semantics, result_dtype

_vectorized_erf = np.vectorize(math.erf, otypes=[np.float64])


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise (math.erf: numpy has none)."""
    return np.asarray(_vectorized_erf(x))


def _binary(fn: Callable[[Any, Any], Any]) -> NumpySemantics:
    """The semantics of a binary elementwise op computing `fn(lhs, rhs)` (numpy broadcasting)."""

    def apply(op: graph.ElementwiseBinaryOp, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        return np.asarray(fn(lhs, rhs))

    return apply


def _unary(fn: Callable[[np.ndarray], Any]) -> NumpySemantics:
    """The semantics of a unary elementwise op computing `fn(x)`."""

    def apply(op: graph.ElementwiseUnaryOp, x: np.ndarray) -> np.ndarray:
        return np.asarray(fn(x))

    return apply


BINARY_FUNCTIONS: dict[type[graph.ElementwiseBinaryOp], Callable[[Any, Any], Any]] = {
    graph.AddOp: np.add,
    graph.SubOp: np.subtract,
    graph.MulOp: np.multiply,
    graph.DivOp: np.divide,
    graph.MaxOp: maximumf,
    graph.MinOp: minimumf,
    graph.PowOp: np.power,
}
"""Binary elementwise op -> its function on float64 arrays."""

UNARY_FUNCTIONS: dict[type[graph.ElementwiseUnaryOp], Callable[[np.ndarray], Any]] = {
    graph.ReluOp: lambda x: maximumf(x, 0.0),
    graph.SigmoidOp: lambda x: 1.0 / (1.0 + np.exp(-x)),
    graph.TanhOp: np.tanh,
    graph.ExpOp: np.exp,
    graph.LogOp: np.log,
    graph.SqrtOp: np.sqrt,
    graph.RsqrtOp: lambda x: 1.0 / np.sqrt(x),
    graph.NegOp: np.negative,
    graph.ErfOp: erf,
}
"""Unary elementwise op (without properties) -> its function on float64 arrays."""

for _binary_type, _binary_fn in BINARY_FUNCTIONS.items():
    numpy_semantics(_binary_type)(_binary(_binary_fn))
for _unary_type, _unary_fn in UNARY_FUNCTIONS.items():
    numpy_semantics(_unary_type)(_unary(_unary_fn))


@numpy_semantics(graph.GeluOp)
def _gelu(op: graph.GeluOp, x: np.ndarray) -> np.ndarray:
    """0.5 x (1 + erf(x / sqrt 2)), or its tanh approximation with `approximate = "tanh"`."""
    if op.approximate.data == "tanh":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


@numpy_semantics(graph.ClipOp)
def _clip(op: graph.ClipOp, x: np.ndarray) -> np.ndarray:
    """minimumf(maximumf(x, min), max), each bound only if present: NaN stays NaN, -0 < +0."""
    if op.min_value is not None:
        x = maximumf(x, real(op.min_value))
    if op.max_value is not None:
        x = minimumf(x, real(op.max_value))
    return x


@numpy_semantics(graph.CastOp)
def _cast(op: graph.CastOp, x: np.ndarray) -> np.ndarray:
    """Each element converted straight to the result's type (one rounding, as C's casts).

    i1 is a boolean: any nonzero value is 1.0 (xDSL stores `true` as -1); other
    integers are read as signed; floats arrive widened to float64 (exactly).
    """
    source = op.input.type
    assert isinstance(source, TensorType)
    element = source.get_element_type()
    if isinstance(element, IntegerType) and element.width.data == 1:
        x = x != 0
    return x.astype(result_dtype(op))
