"""The table of numpy semantics of graph ops: registration, lookup and `evaluate`.

    @numpy_semantics(graph.MatmulOp)
    def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a, b)

    value = evaluate(op, [a, b])      # the result: the op's shape and element type

A function receives the op (for its properties) and its present operands, in
order: float arrays widened to float64, integer and boolean arrays (graph.cast)
as they are. It returns the result in float64 (or already in the result's
dtype). `evaluate` checks the shape against the op's result type and rounds the
value to the element type once, so every caller (constant folding, the
reference executor) gets the same numbers. An op class without an entry uses the
entry of its nearest base class that has one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation

from nnopt.passes.graph.constants import numpy_dtype

NumpySemantics = Callable[..., np.ndarray]
"""fn(op, *operands) -> result array (float64 or the result's dtype)."""

SEMANTICS: dict[type[Operation], NumpySemantics] = {}
"""Op class -> its numpy function; filled by the family modules of this package."""

FunctionT = TypeVar("FunctionT", bound=NumpySemantics)


class NotEvaluable(Exception):
    """The op has no numpy semantics here: no entry, or a type numpy lacks (e.g. bf16)."""

    def __init__(self, reason: str, op: Operation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.op = op
        """The op that could not be evaluated (an op inside graph.fused, for one)."""


class WrongResultShape(Exception):
    """A numpy function returned a shape other than the op's: a bug in the table."""


def numpy_semantics(*op_types: type[Operation]) -> Callable[[FunctionT], FunctionT]:
    """Register the decorated function as the numpy semantics of each of `op_types`."""

    def register(fn: FunctionT) -> FunctionT:
        for op_type in op_types:
            SEMANTICS[op_type] = fn
        return fn

    return register


def semantics_of(op: Operation | type[Operation]) -> NumpySemantics | None:
    """The numpy function of an op (or op class), looked up along its base classes."""
    op_type = op if isinstance(op, type) else type(op)
    for cls in op_type.__mro__:
        fn = SEMANTICS.get(cls)  # type: ignore[arg-type]
        if fn is not None:
            return fn
    return None


def required_semantics(op: Operation) -> NumpySemantics:
    """The numpy function of `op`; NotEvaluable saying where to add one if it has none."""
    fn = semantics_of(op)
    if fn is None:
        raise NotEvaluable(
            "has no numpy semantics; add a numpy function for it with @numpy_semantics "
            "(nnopt/passes/graph/semantics/)",
            op,
        )
    return fn


def result_type(op: Operation) -> TensorType:
    """The type of the op's one tensor result (NotEvaluable for any other result)."""
    if len(op.results) != 1 or not isinstance(op.results[0].type, TensorType):
        raise NotEvaluable("does not have exactly one tensor result", op)
    return op.results[0].type


def result_shape(op: Operation) -> tuple[int, ...]:
    """The static shape of the op's result."""
    return tuple(result_type(op).get_shape())


def result_dtype(op: Operation) -> np.dtype:
    """The numpy dtype of the op's result elements (NotEvaluable if numpy has none)."""
    element = result_type(op).get_element_type()
    dtype = numpy_dtype(element)
    if dtype is None:
        raise NotEvaluable(f"has results of type {element}, which numpy cannot hold", op)
    return dtype


def widened(array: np.ndarray) -> np.ndarray:
    """Float arrays as float64 (exact for f16 and f32); integer and boolean ones unchanged."""
    array = np.asarray(array)
    return array.astype(np.float64, copy=False) if array.dtype.kind == "f" else array


def evaluate(op: Operation, operands: Sequence[np.ndarray]) -> np.ndarray:
    """The value of `op`'s result for the values of its operands: a new C-ordered array
    of the result's shape and element type.

    Raises NotEvaluable when the op has no entry or a type numpy lacks, and
    WrongResultShape when its function disagrees with the op's type.
    """
    fn = required_semantics(op)
    type_ = result_type(op)
    dtype = result_dtype(op)
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(fn(op, *(widened(x) for x in operands)))
    except NotEvaluable as error:
        error.op = error.op or op
        raise
    shape = tuple(type_.get_shape())
    if value.shape != shape:
        raise WrongResultShape(
            f"the numpy semantics of {op.name} give shape {value.shape}, "
            f"but the op's type is {type_}"
        )
    with np.errstate(all="ignore"):
        return np.array(value, dtype=dtype, order="C")
