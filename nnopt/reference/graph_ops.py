"""Graph ops in the reference executor: steps that run the graph dialect's numpy semantics.

The semantics are the table of `nnopt.passes.graph.semantics` (one numpy
function per op class), which constant folding evaluates with too:

    @numpy_reference(graph.MatmulOp)          # = nnopt.passes.graph.semantics.numpy_semantics
    def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a, b)

Each step passes the operands' arrays to `evaluate`, which computes in float64,
checks the shape against the op's type and rounds to its element type. A graph
op without an entry is reported as unsupported, saying where to add one.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation

from nnopt.passes.graph.semantics import (
    SEMANTICS,
    NotEvaluable,
    WrongResultShape,
    evaluate,
    numpy_semantics,
    required_semantics,
)
from nnopt.reference.errors import ExecutionError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step
from nnopt.reference.values import Allocation, Buffer

GRAPH_REFERENCES = SEMANTICS
"""The table of numpy semantics (the name the reference executor's users know)."""

numpy_reference = numpy_semantics
"""Register a numpy function as the semantics of graph ops (see numpy_semantics)."""


def graph_op_compiler(op: Operation) -> Callable[[Interpreter, Operation], Step]:
    """The step compiler of a graph op: UnsupportedOpError now if it has no numpy semantics."""
    try:
        required_semantics(op)
    except NotEvaluable as error:
        raise UnsupportedOpError(error.reason, op) from None

    def compile_op(interp: Interpreter, op: Operation) -> Step:
        operands = tuple(op.operands)
        result = op.results[0]
        description = f"the result of {op.name}"

        def step(env: Env) -> None:
            arrays = [env[v].to_array() if isinstance(env[v], Buffer) else env[v] for v in operands]
            try:
                value = evaluate(op, arrays)
            except NotEvaluable as error:
                raise UnsupportedOpError(error.reason, error.op or op) from None
            except WrongResultShape as error:
                raise ExecutionError(str(error), op) from None
            allocation = Allocation(value.reshape(-1), description, writable=False)
            env[result] = Buffer.contiguous(allocation, value.shape)

        return step

    return compile_op
