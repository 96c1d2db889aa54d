"""How each graph op becomes linalg on tensors: a table from op class to function.

A lowering receives the op and a StructuredBuilder positioned before it and
returns the values that replace the op's results:

    @lowers(graph.ReluOp)
    def _relu(op, s):
        return [s.elementwise([op.input], op.result.type,
                              lambda b, x: [b.maximumf(x[0], b.const(0.0, f32))])]

`convert-graph-to-linalg` lowers each op with `lower_graph_op`, which looks it
up here; an op without an entry is reported as unsupported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter

from nnopt.lowering.structured import StructuredBuilder
from nnopt.support.diagnostics import CompileError

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


def lower_graph_op(op: Operation) -> None:
    """Replace one graph op by its linalg lowering."""
    lowering = LOWERINGS.get(type(op))
    if lowering is None:
        raise CompileError("has no lowering to linalg (unsupported graph op)", op)
    builder = StructuredBuilder.before(op)
    replacements = list(lowering(op, builder))
    for old, new in zip(op.results, replacements, strict=True):
        if new.name_hint is None:
            new.name_hint = old.name_hint
        old.replace_all_uses_with(new)
    Rewriter.erase_op(op)


# The modules below register their lowerings when imported.
from nnopt.lowering.graph_lowerings import (  # noqa: E402
    attention,
    convolution,
    data_movement,
    elementwise,
    fused,
    layout,
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
    "fused",
    "layout",
    "linear",
    "lower_graph_op",
    "lowers",
    "normalization",
    "pooling",
    "reduction",
]
