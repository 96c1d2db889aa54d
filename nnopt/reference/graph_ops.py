"""The graph dialect's reference semantics: one numpy function per op class.

    @numpy_reference(graph.MatmulOp)
    def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a.astype(np.float64), b.astype(np.float64))

A function receives the op (for its attributes) and its operands as numpy
arrays, and returns the result array (or a list, for several results); the
result is converted to the op's element type and its shape checked against the
op's type. Products and sums are computed in float64, so the reference is at
least as accurate as the code under test.

A graph op without an entry is reported as unsupported, naming this file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation

from nnopt.dialects import graph
from nnopt.reference.errors import ExecutionError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step
from nnopt.reference.ops_arith import maximumf
from nnopt.reference.values import Allocation, Buffer, dense_array, numpy_dtype

NumpyFunction = Callable[..., "np.ndarray | Sequence[np.ndarray]"]

GRAPH_REFERENCES: dict[type[Operation], NumpyFunction] = {}

OpT = TypeVar("OpT", bound=Operation)


def numpy_reference(op_type: type[OpT]) -> Callable[[NumpyFunction], NumpyFunction]:
    """Register the decorated numpy function as the semantics of `op_type`."""

    def register(fn: NumpyFunction) -> NumpyFunction:
        GRAPH_REFERENCES[op_type] = fn
        return fn

    return register


def reference_function(op: Operation | type[Operation]) -> NumpyFunction | None:
    """The numpy function of an op (or op class), looked up along its base classes."""
    op_type = op if isinstance(op, type) else type(op)
    for cls in op_type.__mro__:
        fn = GRAPH_REFERENCES.get(cls)  # type: ignore[arg-type]
        if fn is not None:
            return fn
    return None


def graph_op_compiler(op: Operation) -> Callable[[Interpreter, Operation], Step]:
    fn = reference_function(op)
    if fn is None:
        raise UnsupportedOpError(
            "has no reference implementation; add a numpy function for it with "
            "@numpy_reference in nnopt/reference/graph_ops.py",
            op,
        )

    def compile_op(interp: Interpreter, op: Operation) -> Step:
        operands = tuple(op.operands)
        results = tuple(op.results)
        description = f"the result of {op.name}"

        def step(env: Env) -> None:
            arrays = [env[v].to_array() if isinstance(env[v], Buffer) else env[v] for v in operands]
            produced = fn(op, *arrays)
            outputs = [produced] if isinstance(produced, np.ndarray | np.generic) else list(produced)
            if len(outputs) != len(results):
                raise ExecutionError(f"reference gives {len(outputs)} results for {len(results)}")
            for result, array in zip(results, outputs, strict=True):
                env[result] = _as_result(np.asarray(array), result.type, description)

        return step

    return compile_op


def _as_result(array: np.ndarray, type_: Any, description: str) -> Any:
    if not isinstance(type_, TensorType):
        return numpy_dtype(type_).type(array[()])
    shape = tuple(type_.get_shape())
    if array.shape != shape:
        raise ExecutionError(f"reference gives shape {array.shape}, but the op's type is {type_}")
    converted = np.asarray(array, dtype=numpy_dtype(type_.get_element_type()), order="C")
    return Buffer.contiguous(Allocation(converted.reshape(-1), description, writable=False), shape)


def _wide(array: np.ndarray) -> np.ndarray:
    return array.astype(np.float64) if array.dtype.kind == "f" and array.itemsize < 8 else array


@numpy_reference(graph.ConstantOp)
def _constant(op: graph.ConstantOp) -> np.ndarray:
    type_ = op.result.type
    assert isinstance(type_, TensorType)
    return dense_array(op.value.get_values(), type_.get_shape(), numpy_dtype(type_.get_element_type()))


@numpy_reference(graph.AddOp)
def _add(op: graph.AddOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _wide(a) + _wide(b)


@numpy_reference(graph.ReluOp)
def _relu(op: graph.ReluOp, x: np.ndarray) -> np.ndarray:
    return np.asarray(maximumf(x, np.zeros_like(x)))


@numpy_reference(graph.MatmulOp)
def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(_wide(a), _wide(b))
