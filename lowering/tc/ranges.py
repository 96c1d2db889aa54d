"""Index ranges of a tensor comprehension statement, inferred from its accesses.

Every index runs from 0 to some extent. An access `I[2*y + ky]` into a
dimension of size 16 constrains `0 <= 2*y + ky <= 15`; with `ky` in 0:3 known,
`y` can be at most 6, so `y` runs over 0:7. Ranges are found in rounds: an
index that is the only unknown of some constraint gets the smallest extent any
such constraint allows, which may make other indices solvable. Then extents
shrink until every constraint holds (the minimum over all constraints), and
every access is checked to stay inside its tensor:

    ranges = infer_ranges({"y": pos_y, "ky": pos_ky}, {}, constraints, source)  # {"y": 7, "ky": 3}

Indices declared with `where k in 0:N` keep that range. An index that no
constraint can bound is an error that asks for a `where` declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nnopt.lowering.tc.syntax import Access, IndexExpr, Position, SourceText


@dataclass(frozen=True)
class Constraint:
    """`0 <= index < size`: dimension `dim` of `access` has `size` elements."""

    index: IndexExpr
    size: int
    access: Access
    dim: int


def _extent_of_rest(index: IndexExpr, skip: str, ranges: Mapping[str, int]) -> tuple[int, int]:
    """Smallest and largest value of `index` without the `skip` term."""
    low = high = index.constant
    for name, coefficient in index.coefficients:
        if name == skip:
            continue
        reach = coefficient * (ranges[name] - 1)
        low += min(0, reach)
        high += max(0, reach)
    return low, high


def extent_bound(constraint: Constraint, name: str, ranges: Mapping[str, int]) -> int:
    """The largest extent of `name` that keeps `constraint`, the others' ranges given."""
    coefficient = constraint.index.coefficient(name)
    low, high = _extent_of_rest(constraint.index, name, ranges)
    if coefficient > 0:
        return (constraint.size - 1 - high) // coefficient + 1
    return low // -coefficient + 1


def index_span(index: IndexExpr, ranges: Mapping[str, int]) -> tuple[int, int]:
    """Smallest and largest value `index` takes over the ranges."""
    return _extent_of_rest(index, "", ranges)


def _first_use(name: str, constraints: Iterable[Constraint]) -> Constraint | None:
    return next((c for c in constraints if name in c.index.variables), None)


def _solve_in_rounds(
    constraints: Sequence[Constraint], ranges: dict[str, int], limited_by: dict[str, Constraint]
) -> None:
    while True:
        found: dict[str, int] = {}
        for constraint in constraints:
            unknown = [v for v in constraint.index.variables if v not in ranges]
            if len(unknown) != 1:
                continue
            bound = extent_bound(constraint, unknown[0], ranges)
            if unknown[0] not in found or bound < found[unknown[0]]:
                found[unknown[0]] = bound
                limited_by[unknown[0]] = constraint
        if not found:
            return
        ranges.update(found)


def _shrink(
    constraints: Sequence[Constraint],
    ranges: dict[str, int],
    fixed: Mapping[str, int],
    limited_by: dict[str, Constraint],
    source: SourceText,
) -> None:
    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            for name in constraint.index.variables:
                if name in fixed:
                    continue
                bound = extent_bound(constraint, name, ranges)
                if bound < ranges[name]:
                    ranges[name] = bound
                    limited_by[name] = constraint
                    changed = True
                if ranges[name] < 1:
                    access = constraint.access
                    raise source.error(
                        f"index '{name}' has no valid value: {access} must stay within dimension "
                        f"{constraint.dim} of '{access.tensor}', which has {constraint.size} elements",
                        constraint.index.position,
                    )


def _check_in_bounds(constraints: Sequence[Constraint], ranges: Mapping[str, int], source: SourceText) -> None:
    for constraint in constraints:
        low, high = index_span(constraint.index, ranges)
        if low >= 0 and high < constraint.size:
            continue
        if low < 0:
            raise source.error(
                f"{constraint.access} is out of bounds: index '{constraint.index}' goes down to {low}; "
                "index variables start at 0, so shift them to keep every index >= 0",
                constraint.index.position,
            )
        where = ", ".join(f"{v} in 0:{ranges[v]}" for v in constraint.index.variables)
        raise source.error(
            f"{constraint.access} is out of bounds: index '{constraint.index}' reaches {high}"
            + (f" (for {where})" if where else "")
            + f", but dimension {constraint.dim} of '{constraint.access.tensor}' has {constraint.size} elements",
            constraint.index.position,
        )


def _check_plain_indices(
    constraints: Sequence[Constraint], ranges: Mapping[str, int], limited_by: Mapping[str, Constraint], source: SourceText
) -> None:
    """An index used alone must span its whole dimension (linalg requires it)."""
    for constraint in constraints:
        name = constraint.index.plain_variable()
        if name is None or ranges[name] == constraint.size:
            continue
        limit = limited_by.get(name)
        because = f" (limited by {limit.access})" if limit is not None else " (declared with where)"
        raise source.error(
            f"index '{name}' runs over 0:{ranges[name]}{because}, but {constraint.access} uses it alone "
            f"for dimension {constraint.dim} of '{constraint.access.tensor}', which has {constraint.size} "
            "elements; an index used alone must cover its whole dimension",
            constraint.index.position,
        )


def infer_ranges(
    variables: Mapping[str, Position],
    fixed: Mapping[str, int],
    constraints: Sequence[Constraint],
    source: SourceText,
) -> dict[str, int]:
    """The extent of each of `variables` (with where each first appears); `fixed`
    ones are declared with `where`."""
    ranges = dict(fixed)
    limited_by: dict[str, Constraint] = {}
    _solve_in_rounds(constraints, ranges, limited_by)
    for name, position in variables.items():
        if name in ranges:
            continue
        use = _first_use(name, constraints)
        hint = f"; declare it with `where {name} in 0:N`"
        if use is None:
            raise source.error(f"cannot infer the range of index '{name}': no input is indexed by it{hint}", position)
        raise source.error(
            f"cannot infer the range of index '{name}' from {use.access}: every access that uses it "
            f"also uses another index of unknown range{hint}",
            use.index.position,
        )
    _shrink(constraints, ranges, fixed, limited_by, source)
    _check_in_bounds(constraints, ranges, source)
    _check_plain_indices(constraints, ranges, limited_by, source)
    return {name: ranges[name] for name in variables}
