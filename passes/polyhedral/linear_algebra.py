"""Exact rational linear algebra on small integer matrices (schedule rows).

    rank([(1, 0, 0), (2, 1, 0)]) == 2
    null_space([(1, 0, 0), (2, 1, 0)], 3) == [(0, 0, 1)]
    solve([(1, 0), (1, 1)], (0, 1)) == (Fraction(0), Fraction(1))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def _reduced_row_echelon(rows: Sequence[Sequence[int | Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    matrix = [[Fraction(v) for v in row] for row in rows]
    pivots: list[int] = []
    rank = 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [v / lead for v in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    return matrix[:rank], pivots


def rank(rows: Sequence[Sequence[int]]) -> int:
    if not rows:
        return 0
    return len(_reduced_row_echelon(rows, len(rows[0]))[1])


def _integral(vector: Sequence[Fraction]) -> tuple[int, ...]:
    scale = math.lcm(*(v.denominator for v in vector))
    ints = [int(v * scale) for v in vector]
    divisor = math.gcd(*ints) or 1
    return tuple(v // divisor for v in ints)


def null_space(rows: Sequence[Sequence[int]], width: int) -> list[tuple[int, ...]]:
    """An integer basis of { v : row · v = 0 for every row }."""
    if not rows:
        return [tuple(1 if k == j else 0 for k in range(width)) for j in range(width)]
    reduced, pivots = _reduced_row_echelon(rows, width)
    basis: list[tuple[int, ...]] = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, pivot in zip(reduced, pivots, strict=True):
            vector[pivot] = -row[free]
        basis.append(_integral(vector))
    return basis


def solve(matrix: Sequence[Sequence[int]], rhs: Sequence[int]) -> tuple[Fraction, ...] | None:
    """The solution x of matrix · x = rhs for a square non-singular matrix, else None."""
    size = len(matrix)
    augmented = [[*row, value] for row, value in zip(matrix, rhs, strict=True)]
    reduced, pivots = _reduced_row_echelon(augmented, size)
    if pivots != list(range(size)):
        return None
    return tuple(row[size] for row in reduced)
