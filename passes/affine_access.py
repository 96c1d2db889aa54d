"""How affine memory accesses move with a loop index (an analysis, not a pass).

    pattern = access_pattern(load_op, loop.body.block.args[0])
    pattern.kind   # "invariant" | "contiguous" | "strided" | "indirect"

An access is *contiguous* in a loop when the loop index appears only in the last
subscript with coefficient 1 and the memref's innermost stride is 1; *invariant*
when no subscript depends on it; *strided* when it is linear in the index
otherwise; *indirect* when a subscript depends on it non-linearly (floordiv, mod)
or through a value computed from it.

    affine.for %j ... {  A[%i, %k]  -> invariant    B[%k, %j]  -> contiguous
                         C[%j, %k]  -> strided      D[%j floordiv 2] -> indirect }
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xdsl.dialects import affine
from xdsl.dialects.builtin import MemRefType, VectorType
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from nnopt.dialects.layouts import memref_layout

AccessKind = Literal["invariant", "contiguous", "strided", "indirect"]

AffineAccess = affine.LoadOp | affine.StoreOp | affine.VectorLoadOp | affine.VectorStoreOp


def linear_coefficient(expr: AffineExpr, position: int, is_dim: bool = True) -> int | None:
    """The coefficient of dim (or symbol) `position` in `expr`; None if not linear in it."""
    match expr:
        case AffineConstantExpr():
            return 0
        case AffineDimExpr(position=p):
            return 1 if is_dim and p == position else 0
        case AffineSymExpr(position=p):
            return 1 if not is_dim and p == position else 0
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            a = linear_coefficient(lhs, position, is_dim)
            b = linear_coefficient(rhs, position, is_dim)
            if a is None or b is None:
                return None
            if kind == AffineBinaryOpKind.Add:
                return a + b
            if kind == AffineBinaryOpKind.Mul:
                if a and isinstance(rhs, AffineConstantExpr):
                    return a * rhs.value
                if b and isinstance(lhs, AffineConstantExpr):
                    return b * lhs.value
                return None if (a or b) else 0
            # floordiv, ceildiv, mod: linear only if the index does not appear
            return None if (a or b) else 0
    return None


def depends_on(value: SSAValue, iv: SSAValue) -> bool:
    """Whether `value` is computed from `iv` (through ops in the same region tree)."""
    if value is iv:
        return True
    owner = value.owner
    if not isinstance(owner, Operation):
        return False
    return any(depends_on(operand, iv) for operand in owner.operands)


@dataclass(frozen=True)
class AccessPattern:
    kind: AccessKind
    coefficients: tuple[int, ...]
    """The coefficient of the loop index in each subscript (empty if indirect)."""


def subscript_coefficients(
    affine_map: AffineMap, operands: tuple[SSAValue, ...], iv: SSAValue
) -> tuple[int, ...] | None:
    """Per-subscript coefficients of `iv`; None if some subscript is not linear in it."""
    positions = [i for i, v in enumerate(operands) if v is iv]
    if any(v is not iv and depends_on(v, iv) for v in operands):
        return None
    coefficients: list[int] = []
    for expr in affine_map.results:
        total = 0
        for position in positions:
            is_dim = position < affine_map.num_dims
            index = position if is_dim else position - affine_map.num_dims
            c = linear_coefficient(expr, index, is_dim)
            if c is None:
                return None
            total += c
        coefficients.append(total)
    return tuple(coefficients)


def innermost_stride(type_: MemRefType) -> int:
    strides, _ = memref_layout(type_)
    return strides[-1] if strides else 1


def access_pattern(op: AffineAccess, iv: SSAValue) -> AccessPattern:
    coefficients = subscript_coefficients(op.map.data, tuple(op.indices), iv)
    if coefficients is None:
        return AccessPattern("indirect", ())
    if not any(coefficients):
        return AccessPattern("invariant", coefficients)
    memref_type = op.memref.type
    assert isinstance(memref_type, MemRefType)
    if coefficients[-1] == 1 and not any(coefficients[:-1]) and innermost_stride(memref_type) == 1:
        return AccessPattern("contiguous", coefficients)
    return AccessPattern("strided", coefficients)


def same_address(a: AffineAccess, b: AffineAccess) -> bool:
    """Whether two accesses name the same element in every iteration."""
    return (
        a.memref is b.memref
        and a.map.data == b.map.data
        and tuple(a.indices) == tuple(b.indices)
    )


def access_lanes(op: AffineAccess) -> int:
    """How many consecutive elements of the last subscript one access touches."""
    value_type = op.results[0].type if op.results else op.operands[0].type
    return value_type.get_shape()[0] if isinstance(value_type, VectorType) else 1


def constant_offset(a: AffineAccess, b: AffineAccess) -> tuple[int, ...] | None:
    """Per-subscript `a - b` when both use the same operands and differ by constants."""
    if a.memref is not b.memref or tuple(a.indices) != tuple(b.indices):
        return None
    map_a, map_b = a.map.data, b.map.data
    if (map_a.num_dims, map_a.num_symbols) != (map_b.num_dims, map_b.num_symbols):
        return None
    offsets: list[int] = []
    for ea, eb in zip(map_a.results, map_b.results, strict=True):
        difference = (ea - eb).simplify(map_a.num_dims, map_a.num_symbols)
        if not isinstance(difference, AffineConstantExpr):
            return None
        offsets.append(difference.value)
    return tuple(offsets)


def disjoint(a: AffineAccess, b: AffineAccess) -> bool:
    """Whether two accesses provably never touch a common element."""
    offset = constant_offset(a, b)
    if offset is None or not any(offset):
        return False
    if any(offset[:-1]):
        return True
    last = offset[-1]
    return (last > 0 and last >= access_lanes(b)) or (last < 0 and -last >= access_lanes(a))


def address_groups(accesses: list[AffineAccess]) -> list[list[AffineAccess]] | None:
    """Accesses of one buffer grouped by address, if different groups never overlap."""
    groups: list[list[AffineAccess]] = []
    for access in accesses:
        for group in groups:
            if same_address(group[0], access):
                group.append(access)
                break
        else:
            groups.append([access])
    for i, first in enumerate(groups):
        for second in groups[i + 1 :]:
            if not disjoint(first[0], second[0]):
                return None
    return groups


def defined_inside(value: SSAValue, scope: Operation) -> bool:
    """Whether `value` is defined by an op or block nested in `scope`."""
    owner = value.owner
    op = owner if isinstance(owner, Operation) else owner.parent_op()
    while op is not None:
        if op is scope:
            return True
        op = op.parent_op()
    return False
