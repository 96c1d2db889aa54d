"""Index values as affine expressions, and affine expressions as isl text.

    resolver = IndexResolver(params, is_outside)
    e = resolver.resolve(%idx, ivs=[%i, %j])   # d0 * 2 + s0 for %idx = affine.apply (2*i + n)
    isl_text(e, ["i0", "i1"], ["p_n"])          # "((2*i0) + p_n)"
    linear_form(e, 2, 1)                        # LinearForm(dims=(2, 0), symbols=(1,), constant=0)

An index value is affine when it is a loop index of the nest (a dim), an index
value defined outside the nest (a symbol: an isl parameter), an index
`arith.constant`, or an `affine.apply` of affine values. Anything else (a
loaded value cast to index, say) is not affine: `resolve` returns None and the
caller declines with a remark.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.dialects import (
    affine,  # isinstance checks: parsed ops are xDSL's classes
    arith,
)
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from nnopt.support.affine_text import parenthesised, render_affine

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")


class ParameterTable:
    """The symbolic sizes of a SCoP: SSA index values defined outside it, named for isl."""

    def __init__(self) -> None:
        self.values: list[SSAValue] = []
        self.names: list[str] = []

    def index_of(self, value: SSAValue) -> int:
        for position, known in enumerate(self.values):
            if known is value:
                return position
        hint = _NOT_IDENT.sub("_", value.name_hint or "")
        self.values.append(value)
        self.names.append(f"p{len(self.values) - 1}_{hint}" if hint else f"p{len(self.values) - 1}")
        return len(self.values) - 1

    def __len__(self) -> int:
        return len(self.values)


class IndexResolver:
    """Resolves index SSA values to affine expressions over loop indices and parameters."""

    def __init__(self, params: ParameterTable, is_outside: Callable[[SSAValue], bool]) -> None:
        self.params = params
        self.is_outside = is_outside

    def resolve(self, value: SSAValue, ivs: Sequence[SSAValue]) -> AffineExpr | None:
        """`value` over dims = `ivs` (by position) and symbols = parameters, or None."""
        for position, iv in enumerate(ivs):
            if iv is value:
                return AffineExpr.dimension(position)
        owner = value.owner
        if isinstance(owner, arith.ConstantOp) and isinstance(value.type, IndexType):
            attr = owner.value
            if isinstance(attr, IntegerAttr):
                return AffineExpr.constant(attr.value.data)
        if self.is_outside(value):
            if not isinstance(value.type, IndexType):
                return None
            return AffineExpr.symbol(self.params.index_of(value))
        if isinstance(owner, affine.ApplyOp):
            return self.resolve_map(owner.map.data, owner.mapOperands, ivs, single=True)
        return None

    def resolve_operands(
        self, operands: Sequence[SSAValue], ivs: Sequence[SSAValue]
    ) -> list[AffineExpr] | None:
        exprs: list[AffineExpr] = []
        for operand in operands:
            expr = self.resolve(operand, ivs)
            if expr is None:
                return None
            exprs.append(expr)
        return exprs

    def resolve_map(
        self,
        affine_map: AffineMap,
        operands: Sequence[SSAValue],
        ivs: Sequence[SSAValue],
        single: bool = False,
    ) -> AffineExpr | None:
        results = self.resolve_map_results(affine_map, operands, ivs)
        if results is None or (single and len(results) != 1):
            return None
        return results[0]

    def resolve_map_results(
        self, affine_map: AffineMap, operands: Sequence[SSAValue], ivs: Sequence[SSAValue]
    ) -> list[AffineExpr] | None:
        """Each result of `affine_map` applied to `operands` (dims then symbols)."""
        exprs = self.resolve_operands(operands, ivs)
        if exprs is None:
            return None
        dims, symbols = exprs[: affine_map.num_dims], exprs[affine_map.num_dims :]
        return [r.replace_dims_and_symbols(dims, symbols) for r in affine_map.results]


# -- isl text ---------------------------------------------------------------------------


def isl_text(expr: AffineExpr, dims: Sequence[str], symbols: Sequence[str]) -> str:
    """`expr` in isl's syntax (`floor(a/b)`, `a mod b`) with the given names."""
    return render_affine(expr, dims, symbols, parenthesised, _isl_binary)


def _isl_binary(expr: AffineBinaryOpExpr, a: str, b: str) -> str:
    lhs, rhs = expr.lhs, expr.rhs
    if expr.kind == AffineBinaryOpKind.Add:
        return f"({a} + {b})"
    if expr.kind == AffineBinaryOpKind.Mul:
        # isl reads `2*h` but not `(2) * h`
        if isinstance(rhs, AffineConstantExpr):
            return f"({rhs.value}*{a})"
        if isinstance(lhs, AffineConstantExpr):
            return f"({lhs.value}*{b})"
        return f"({a} * {b})"
    divisor = rhs.value if isinstance(rhs, AffineConstantExpr) else b
    if expr.kind == AffineBinaryOpKind.FloorDiv:
        return f"floor(({a}) / {divisor})"
    if expr.kind == AffineBinaryOpKind.CeilDiv:
        return f"ceil(({a}) / {divisor})"
    return f"(({a}) mod {divisor})"


# -- linear forms -----------------------------------------------------------------------


@dataclass(frozen=True)
class LinearForm:
    """c·dims + s·symbols + constant."""

    dims: tuple[int, ...]
    symbols: tuple[int, ...]
    constant: int

    def dot(self, direction: Sequence[int]) -> int:
        return sum(a * b for a, b in zip(self.dims, direction, strict=True))

    def scaled(self, factor: int) -> LinearForm:
        return LinearForm(
            tuple(factor * c for c in self.dims),
            tuple(factor * c for c in self.symbols),
            factor * self.constant,
        )

    def plus(self, other: LinearForm) -> LinearForm:
        return LinearForm(
            tuple(a + b for a, b in zip(self.dims, other.dims, strict=True)),
            tuple(a + b for a, b in zip(self.symbols, other.symbols, strict=True)),
            self.constant + other.constant,
        )


def linear_form(expr: AffineExpr, num_dims: int, num_symbols: int) -> LinearForm | None:
    """`expr` as a linear form, or None when it uses floordiv, ceildiv or mod."""
    match expr:
        case AffineConstantExpr(value=value):
            return LinearForm((0,) * num_dims, (0,) * num_symbols, value)
        case AffineDimExpr(position=position):
            dims = [0] * num_dims
            dims[position] = 1
            return LinearForm(tuple(dims), (0,) * num_symbols, 0)
        case AffineSymExpr(position=position):
            symbols = [0] * num_symbols
            symbols[position] = 1
            return LinearForm((0,) * num_dims, tuple(symbols), 0)
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Add, lhs=lhs, rhs=rhs):
            a = linear_form(lhs, num_dims, num_symbols)
            b = linear_form(rhs, num_dims, num_symbols)
            return a.plus(b) if a is not None and b is not None else None
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Mul, lhs=lhs, rhs=rhs):
            a = linear_form(lhs, num_dims, num_symbols)
            b = linear_form(rhs, num_dims, num_symbols)
            if a is None or b is None:
                return None
            if not any(b.dims) and not any(b.symbols):
                return a.scaled(b.constant)
            if not any(a.dims) and not any(a.symbols):
                return b.scaled(a.constant)
            return None
    return None
