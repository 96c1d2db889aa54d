"""Affine maps and integer sets as Python functions, compiled once per map.

    f = map_function(AffineMap.from_callable(lambda i, j: (i * 8 + j, j floordiv 2)))
    f(3, 5)  == (29, 2)
    f(np.arange(4), 5)   # works on numpy index arrays too (vectorised linalg)

`floordiv`, `ceildiv` and `mod` have their affine meaning (rounding toward minus
infinity, non-negative remainder), which Python's `//` and `%` share for a
positive divisor. A divisor that is not a positive constant is checked at run
time: dividing by zero or by a negative value is undefined in MLIR, and is
reported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineExpr,
    AffineMap,
)
from xdsl.ir.affine.affine_set import AffineConstraintKind, AffineSet

from nnopt.reference.errors import UndefinedBehaviourError
from nnopt.support.affine_text import parenthesised, render_affine


def _positive(divisor: Any) -> Any:
    if (divisor.min() if hasattr(divisor, "min") else divisor) <= 0:
        raise UndefinedBehaviourError(
            f"divides an affine expression by {divisor}; the divisor must be positive"
        )
    return divisor


def _source(expr: AffineExpr, dims: Sequence[str], symbols: Sequence[str]) -> str:
    return render_affine(expr, dims, symbols, parenthesised, _python_binary)


def _python_binary(expr: AffineBinaryOpExpr, a: str, b: str) -> str:
    if expr.kind == AffineBinaryOpKind.Add:
        return f"({a} + {b})"
    if expr.kind == AffineBinaryOpKind.Mul:
        return f"({a} * {b})"
    if not (isinstance(expr.rhs, AffineConstantExpr) and expr.rhs.value > 0):
        b = f"_positive({b})"
    if expr.kind == AffineBinaryOpKind.FloorDiv:
        return f"({a} // {b})"
    if expr.kind == AffineBinaryOpKind.CeilDiv:
        return f"(-((-{a}) // {b}))"
    return f"({a} % {b})"


def _expression_sources(
    exprs: Sequence[AffineExpr], num_dims: int, num_symbols: int
) -> tuple[list[str], list[str]]:
    dims = [f"d{i}" for i in range(num_dims)]
    symbols = [f"s{i}" for i in range(num_symbols)]
    return [*dims, *symbols], [_source(e, dims, symbols) for e in exprs]


def _compile(parameters: Sequence[str], body: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"_positive": _positive}
    exec(f"def _f({', '.join(parameters)}):\n    return {body}\n", namespace)
    return namespace["_f"]


@functools.cache
def map_function(affine_map: AffineMap) -> Callable[..., tuple[Any, ...]]:
    """A function of the map's dims then symbols returning the tuple of its results."""
    names, results = _expression_sources(affine_map.results, affine_map.num_dims, affine_map.num_symbols)
    body = "(" + "".join(f"{r}, " for r in results) + ")"
    return _compile(names, body)


@functools.cache
def set_function(affine_set: AffineSet) -> Callable[..., Any]:
    """A predicate of the set's dims then symbols: whether every constraint holds."""
    exprs = [c.lhs for c in affine_set.constraints] + [c.rhs for c in affine_set.constraints]
    names, sources = _expression_sources(exprs, affine_set.num_dims, affine_set.num_symbols)
    n = len(affine_set.constraints)
    clauses: list[str] = []
    for constraint, lhs, rhs in zip(affine_set.constraints, sources[:n], sources[n:], strict=True):
        operator = {
            AffineConstraintKind.ge: ">=",
            AffineConstraintKind.le: "<=",
            AffineConstraintKind.eq: "==",
        }[constraint.kind]
        clauses.append(f"({lhs} {operator} {rhs})")
    return _compile(names, " and ".join(clauses) if clauses else "True")
