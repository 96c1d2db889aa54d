"""How each graph op becomes linalg on tensors: a table from op class to function.

A lowering receives the op and a StructuredBuilder positioned before it and
returns the values that replace the op's results:

    @lowers(graph.ReluOp)
    def _relu(op, s):
        return [s.elementwise([op.input], op.result.type,
                              lambda b, x: [b.maximumf(x[0], b.const(0.0, f32))])]

`convert-graph-to-linalg` looks ops up here; an op without an entry is reported
as unsupported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from xdsl.ir import Operation, SSAValue

from nnopt.lowering.structured import StructuredBuilder

LoweringFn = Callable[[Operation, StructuredBuilder], Sequence[SSAValue]]

LOWERINGS: dict[type[Operation], LoweringFn] = {}

OpT = TypeVar("OpT", bound=Operation)


def lowers(op_type: type[OpT]) -> Callable[[Callable[[OpT, StructuredBuilder], Sequence[SSAValue]]], LoweringFn]:
    """Register the decorated function as the lowering of `op_type`."""

    def register(fn: Callable[[OpT, StructuredBuilder], Sequence[SSAValue]]) -> LoweringFn:
        LOWERINGS[op_type] = fn  # type: ignore[assignment]
        return fn  # type: ignore[return-value]

    return register


# The modules below register their lowerings when imported.
from nnopt.lowering.graph_lowerings import elementwise, linear  # noqa: E402

__all__ = ["LOWERINGS", "elementwise", "linear", "lowers"]
