"""Affine expressions as C expressions over index variables.

    affine_to_c(d0 * 8 + d1 floordiv 2, ["i", "j"]) == "(i * 8 + nn_floordiv(j, 2))"

`floordiv`, `ceildiv` and `mod` follow affine semantics (rounding toward minus
infinity, non-negative remainder), through helpers from the C prelude; when the
divided expression is a known non-negative loop index the helpers are still used:
gcc folds them to shifts and masks for power-of-two constants.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineExpr,
    AffineMap,
)

from nnopt.support.affine_text import render_affine


def _c_constant(value: int) -> str:
    return str(value) if value >= 0 else f"({value})"


def _c_binary(expr: AffineBinaryOpExpr, a: str, b: str, dims: Sequence[str], symbols: Sequence[str]) -> str:
    """`a + b` printed as `a - c` when b is a negative constant or `c * -1`."""
    rhs = expr.rhs
    if expr.kind == AffineBinaryOpKind.Add:
        if isinstance(rhs, AffineConstantExpr) and rhs.value < 0:
            return f"({a} - {-rhs.value})"
        if (
            isinstance(rhs, AffineBinaryOpExpr)
            and rhs.kind == AffineBinaryOpKind.Mul
            and isinstance(rhs.rhs, AffineConstantExpr)
            and rhs.rhs.value == -1
        ):
            return f"({a} - {affine_to_c(rhs.lhs, dims, symbols)})"
        return f"({a} + {b})"
    if expr.kind == AffineBinaryOpKind.Mul:
        return f"({a} * {b})"
    helper = {
        AffineBinaryOpKind.FloorDiv: "nn_floordiv",
        AffineBinaryOpKind.CeilDiv: "nn_ceildiv",
        AffineBinaryOpKind.Mod: "nn_mod",
    }[expr.kind]
    return f"{helper}({a}, {b})"


def affine_to_c(expr: AffineExpr, dims: Sequence[str], symbols: Sequence[str] = ()) -> str:
    """`expr` in C over the named dims and symbols."""
    return render_affine(
        expr, dims, symbols, _c_constant, lambda e, a, b: _c_binary(e, a, b, dims, symbols)
    )


def map_results_to_c(affine_map: AffineMap, operands: Sequence[str]) -> list[str]:
    """Each result of `affine_map` applied to the C operands (dims then symbols)."""
    dims = operands[: affine_map.num_dims]
    symbols = operands[affine_map.num_dims :]
    return [affine_to_c(e, dims, symbols) for e in affine_map.results]


def fold_extremum(function: str, terms: Sequence[str]) -> str:
    """`nn_min(a, nn_min(b, c))` for several terms, the term itself for one."""
    result = terms[-1]
    for term in reversed(terms[:-1]):
        result = f"{function}({term}, {result})"
    return result
