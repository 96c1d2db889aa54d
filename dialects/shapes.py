"""Shape rules shared by the graph ops and their lowerings (numpy semantics).

    broadcast_shapes((2, 3), (3,))        == (2, 3)
    matmul_shape((2, 1, 4, 8), (3, 8, 5)) == (2, 3, 4, 5)

Incompatible shapes raise VerifyException with a message naming both shapes.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.utils.exceptions import VerifyException


def format_shape(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """numpy broadcasting of any number of shapes."""
    rank = max((len(s) for s in shapes), default=0)
    result: list[int] = []
    for axis in range(rank):
        sizes = {s[len(s) - rank + axis] for s in shapes if len(s) - rank + axis >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            raise VerifyException(
                "shapes "
                + " and ".join(format_shape(s) for s in shapes)
                + " are not broadcastable"
            )
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def matmul_shape(lhs: Sequence[int], rhs: Sequence[int]) -> tuple[int, ...]:
    """numpy matmul: 1-D operands are promoted, leading (batch) dims broadcast."""
    if not lhs or not rhs:
        raise VerifyException("matmul operands must have rank >= 1")
    a = (1, *lhs) if len(lhs) == 1 else tuple(lhs)
    b = (*rhs, 1) if len(rhs) == 1 else tuple(rhs)
    if a[-1] != b[-2]:
        raise VerifyException(
            f"matmul inner dimensions differ: {format_shape(lhs)} @ {format_shape(rhs)} "
            f"({a[-1]} vs {b[-2]})"
        )
    batch = broadcast_shapes(a[:-2], b[:-2])
    shape = [*batch, a[-2], b[-1]]
    if len(lhs) == 1:
        del shape[-2]
    if len(rhs) == 1:
        del shape[-1]
    return tuple(shape)
