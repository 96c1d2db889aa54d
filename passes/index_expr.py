"""Index expressions: affine expressions over SSA index values.

    i, k = Ix.of(%i), Ix.of(%k)
    e = i * 4 + k - 1          # (d0 * 4 + d1 - 1) over (%i, %k)
    as_map([e, k])             # (affine_map<(d0, d1) -> (d0 * 4 + d1 - 1, d1)>, [%i, %k])
    Ix.of_access(load, 0)      # the first subscript of an affine access as an Ix

Used to build subscripts and bounds, and to compare subscripts of accesses whose
maps range over different operand lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineExpr, AffineMap

from nnopt.dialects import affine


@dataclass(frozen=True)
class Ix:
    """An affine expression over SSA index values (`values[i]` is dim i)."""

    expr: AffineExpr
    values: tuple[SSAValue, ...] = ()

    @staticmethod
    def of(value: Ix | SSAValue | int) -> Ix:
        if isinstance(value, Ix):
            return value
        if isinstance(value, int):
            return Ix(AffineExpr.constant(value))
        return Ix(AffineExpr.dimension(0), (value,))

    def _merge(self, other: Ix) -> tuple[AffineExpr, AffineExpr, tuple[SSAValue, ...]]:
        values = list(self.values)
        remap: list[AffineExpr] = []
        for value in other.values:
            position = next((i for i, v in enumerate(values) if v is value), None)
            if position is None:
                values.append(value)
                position = len(values) - 1
            remap.append(AffineExpr.dimension(position))
        return self.expr, other.expr.replace_dims_and_symbols(remap, []), tuple(values)

    def __add__(self, other: Ix | SSAValue | int) -> Ix:
        a, b, values = self._merge(Ix.of(other))
        return Ix(a + b, values)

    __radd__ = __add__

    def __sub__(self, other: Ix | SSAValue | int) -> Ix:
        a, b, values = self._merge(Ix.of(other))
        return Ix(a - b, values)

    def __rsub__(self, other: Ix | SSAValue | int) -> Ix:
        return Ix.of(other) - self

    def __mul__(self, factor: int) -> Ix:
        return Ix(self.expr * factor, self.values)

    __rmul__ = __mul__

    def __floordiv__(self, divisor: int) -> Ix:
        return Ix(self.expr // divisor, self.values)

    def __mod__(self, divisor: int) -> Ix:
        return Ix(self.expr % divisor, self.values)


    @staticmethod
    def of_map_result(affine_map: AffineMap, operands: Sequence[SSAValue], index: int) -> Ix:
        """Result `index` of `affine_map` applied to `operands`."""
        values = list(operands)
        dims = [AffineExpr.dimension(i) for i in range(affine_map.num_dims)]
        symbols = [AffineExpr.dimension(affine_map.num_dims + i) for i in range(affine_map.num_symbols)]
        return Ix(affine_map.results[index].replace_dims_and_symbols(dims, symbols), tuple(values))

    def constant_value(self) -> int | None:
        """The value of the expression if it is a constant (after simplification)."""
        simplified = self.expr.simplify(len(self.values), 0)
        return simplified.value if isinstance(simplified, AffineConstantExpr) else None

    def replaced(self, value: SSAValue, by: int) -> Ix:
        """The expression with `value` replaced by a constant."""
        dims = [
            AffineExpr.constant(by) if v is value else AffineExpr.dimension(i)
            for i, v in enumerate(self.values)
        ]
        return Ix(self.expr.replace_dims_and_symbols(dims, []), self.values)


IxLike = Ix | SSAValue | int


def _union(parts: Sequence[Ix]) -> list[SSAValue]:
    values: list[SSAValue] = []
    for part in parts:
        values.extend(v for v in part.values if not any(v is w for w in values))
    return values


def _rebased(part: Ix, values: Sequence[SSAValue]) -> AffineExpr:
    positions = [next(i for i, w in enumerate(values) if w is v) for v in part.values]
    return part.expr.replace_dims_and_symbols([AffineExpr.dimension(p) for p in positions], [])


def as_map(exprs: Sequence[IxLike]) -> tuple[AffineMap, list[SSAValue]]:
    """One map over the union of the values the expressions use (unused ones dropped)."""
    parts = [Ix.of(e) for e in exprs]
    values = _union(parts)
    results = tuple(_rebased(part, values) for part in parts)
    return affine.compress_map(AffineMap(len(values), 0, results), values)


def substitute(affine_map: AffineMap, dims: Sequence[IxLike]) -> list[Ix]:
    """The results of `affine_map` with each dim replaced by an index expression."""
    parts = [Ix.of(d) for d in dims]
    values = _union(parts)
    exprs = [_rebased(part, values) for part in parts]
    return [Ix(result.replace_dims_and_symbols(exprs, []), tuple(values)) for result in affine_map.results]
