"""Trip counts and bound arithmetic of affine loops.

    trip_count(loop)           # 64 for `0 to 64`, 32 for `%t * 32 to %t * 32 + 32`
    offset_bound(loop, 48)     # the lower bound map shifted by 48 (same operands)

A trip count is known when both bounds are single-result maps over the same
operands whose difference is a constant (tiles of a constant size have it).
"""

from __future__ import annotations

from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import AffineMapAttr
from xdsl.ir.affine import AffineConstantExpr, AffineMap


def trip_count(loop: xdsl_affine.ForOp) -> int | None:
    lb, ub = loop.lowerBoundMap.data, loop.upperBoundMap.data
    if len(lb.results) != 1 or len(ub.results) != 1:
        return None
    if (lb.num_dims, lb.num_symbols) != (ub.num_dims, ub.num_symbols):
        return None
    if tuple(loop.lowerBoundOperands) != tuple(loop.upperBoundOperands):
        return None
    span = (ub.results[0] - lb.results[0]).simplify(lb.num_dims, lb.num_symbols)
    if not isinstance(span, AffineConstantExpr):
        return None
    step = loop.step.value.data
    return max((span.value + step - 1) // step, 0)


def offset_bound(loop: xdsl_affine.ForOp, offset: int) -> AffineMapAttr:
    """`lower bound + offset` over the lower bound's operands."""
    lb = loop.lowerBoundMap.data
    expr = (lb.results[0] + offset).simplify(lb.num_dims, lb.num_symbols)
    return AffineMapAttr(AffineMap(lb.num_dims, lb.num_symbols, (expr,)))
