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


def lowers(
    *op_types: type[OpT],
) -> Callable[[Callable[[OpT, StructuredBuilder], Sequence[SSAValue]]], LoweringFn]:
    """Register the decorated function as the lowering of each of `op_types`."""

    def register(fn: Callable[[OpT, StructuredBuilder], Sequence[SSAValue]]) -> LoweringFn:
        for op_type in op_types:
            LOWERINGS[op_type] = fn  # type: ignore[assignment]
        return fn  # type: ignore[return-value]

    return register


# The modules below register their lowerings when imported.
from nnopt.lowering.graph_lowerings import (  # noqa: E402
    attention,
    convolution,
    data_movement,
    elementwise,
    linear,
    normalization,
    pooling,
    reduction,
)

__all__ = [
    "LOWERINGS",
    "attention",
    "convolution",
    "data_movement",
    "elementwise",
    "linear",
    "lowers",
    "normalization",
    "pooling",
    "reduction",
]
