"""Affine expressions as text in another language: one walk, a formatter per language.

    render_affine(d0 * 8 + s0 floordiv 2, ["i"], ["n"], str, c_binary)
        == "((i * 8) + nn_floordiv(n, 2))"

The walk names dims and symbols and renders each constant with `constant`;
each binary node is rendered by `binary(expr, lhs_text, rhs_text)` once its
operands are. Callers: the C emitter (`nn_floordiv(a, b)`), isl's syntax
(`floor((a) / b)`) for the polyhedral model, and Python source for the
reference executor (`a // b`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineSymExpr,
)

BinaryFormatter = Callable[[AffineBinaryOpExpr, str, str], str]


def render_affine(
    expr: AffineExpr,
    dims: Sequence[str],
    symbols: Sequence[str],
    constant: Callable[[int], str],
    binary: BinaryFormatter,
) -> str:
    """`expr` as text, bottom-up: leaves by name or `constant`, binary nodes by `binary`."""
    match expr:
        case AffineConstantExpr(value=value):
            return constant(value)
        case AffineDimExpr(position=position):
            return dims[position]
        case AffineSymExpr(position=position):
            return symbols[position]
        case AffineBinaryOpExpr(lhs=lhs, rhs=rhs):
            a = render_affine(lhs, dims, symbols, constant, binary)
            b = render_affine(rhs, dims, symbols, constant, binary)
            return binary(expr, a, b)
    raise ValueError(f"unexpected affine expression {expr}")


def parenthesised(value: int) -> str:
    """`(value)`: a constant that is safe next to any operator."""
    return f"({value})"


__all__ = ["BinaryFormatter", "parenthesised", "render_affine"]
