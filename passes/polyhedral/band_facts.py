"""What a band of the schedule tree does to memory: strides, extents, footprints.

    facts = band_facts(node, scop)
    facts.extents                    # iterations of each member, e.g. [512, 512]
    facts.stride_score(1)            # locality of member 1 as the innermost loop
    facts.vectorizable(1)            # every access unit-stride or invariant along it
    facts.footprint_bytes([32, 64])  # data touched by one tile (inner loops complete)

For each statement under the band, the rows of its whole schedule (outer
bands, this band, inner bands) are read from the isl tree; their linear parts
give, for each band member, the direction δ in the statement's iteration space
that advancing that member by one (all other loops fixed) moves along. An
access with element-offset form a then has stride a · δ along the member.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import islpy as isl

from nnopt.passes.polyhedral.affine_forms import LinearForm, linear_form
from nnopt.passes.polyhedral.linear_algebra import rank, solve
from nnopt.passes.polyhedral.scop import Access, Scop, Statement

UNKNOWN_EXTENT = 1024
"""Iterations assumed for a loop whose trip count depends on parameters."""


@dataclass
class _StatementView:
    statement: Statement
    band_directions: list[tuple[Fraction, ...] | None]
    """Per band member: the iteration-space direction, None if the member does not move it."""
    inner: list[tuple[tuple[Fraction, ...], int]]
    """Directions and trip counts of the loops inside the band."""


@dataclass
class BandFacts:
    scop: Scop
    members: int
    extents: list[int]
    views: list[_StatementView] = field(default_factory=list)

    def strides(self, member: int) -> list[tuple[Access, Fraction | None]]:
        """Each access under the band with its element stride along `member` (None: unknown)."""
        result: list[tuple[Access, Fraction | None]] = []
        num_params = len(self.scop.params)
        for view in self.views:
            direction = view.band_directions[member]
            for access in view.statement.accesses:
                form = access.address_form(view.statement.depth, num_params)
                if direction is None:
                    result.append((access, Fraction(0)))
                elif form is None:
                    result.append((access, None))
                else:
                    result.append((access, _dot(form, direction)))
        return result

    def stride_score(self, member: int) -> int:
        """Locality of `member` as the innermost loop: unit strides count, long strides cost."""
        score = 0
        for access, stride in self.strides(member):
            weight = 3 if access.is_write else 2
            if stride == 0:
                continue
            if stride is not None and abs(stride) == 1:
                score += weight
            else:
                score -= weight
        return score

    def vectorizable(self, member: int, max_stride: int = 1) -> bool:
        """Some access unit-stride along `member`, every other invariant or at most `max_stride` apart."""
        strides = [s for _, s in self.strides(member)]
        return any(s == 1 for s in strides) and all(s is not None and 0 <= s <= max_stride for s in strides)

    def writes_contiguous(self, member: int) -> bool:
        """Every access that writes is unit-stride along `member` (and there is one)."""
        writes = [s for a, s in self.strides(member) if a.is_write]
        return bool(writes) and all(s == 1 for s in writes)

    def longest_inner_loop(self) -> int:
        """Iterations of the longest loop inside the band (1 when there is none)."""
        return max((trips for view in self.views for _, trips in view.inner), default=1)

    def has_reuse(self, member: int) -> bool:
        """Whether some access is invariant along `member` (tiling it keeps data in cache)."""
        return any(s == 0 for _, s in self.strides(member))

    def footprint_bytes(self, sizes: list[int]) -> int:
        """Bytes of each array touched by one tile of `sizes` (inner loops run fully)."""
        per_array: dict[str, int] = {}
        num_params = len(self.scop.params)
        for view in self.views:
            depth = view.statement.depth
            for access in view.statement.accesses:
                forms: list[LinearForm | None]
                if self.scop.arrays[access.array].linearized:
                    forms = [access.address_form(depth, num_params)]
                else:
                    forms = [linear_form(e, depth, num_params) for e in access.indices]
                limits = self.scop.arrays[access.array].extents
                elements = 1
                for d, form in enumerate(forms):
                    span = self._span(form, view, sizes)
                    elements *= min(span, limits[d]) if d < len(limits) else span
                size = elements * self.scop.arrays[access.array].element_bytes
                per_array[access.array] = max(per_array.get(access.array, 0), size)
        return sum(per_array.values())

    def _span(self, form: LinearForm | None, view: _StatementView, sizes: list[int]) -> int:
        if form is None:
            return UNKNOWN_EXTENT
        span = Fraction(1)
        for direction, size in zip(view.band_directions, sizes, strict=True):
            if direction is not None:
                span += abs(_dot(form, direction)) * (size - 1)
        for direction, trips in view.inner:
            span += abs(_dot(form, direction)) * (trips - 1)
        return math.ceil(span)


def _dot(form: LinearForm, direction: tuple[Fraction, ...]) -> Fraction:
    return sum((Fraction(c) * d for c, d in zip(form.dims, direction, strict=True)), Fraction(0))


def _linear_rows(relation: isl.Map, depth: int) -> list[tuple[int, ...] | None]:
    """The linear part of each output of a single-piece affine map (None: quasi-affine)."""
    pieces: list[tuple[isl.Set, isl.MultiAff]] = []
    isl.PwMultiAff.from_map(relation).foreach_piece(lambda s, m: pieces.append((s, m)))
    if len(pieces) != 1:
        return [None] * relation.dim(isl.dim_type.out)
    multi = pieces[0][1]
    rows: list[tuple[int, ...] | None] = []
    for k in range(multi.dim(isl.dim_type.out)):
        aff = multi.get_at(k)
        if aff.dim(isl.dim_type.div) > 0:
            rows.append(None)
            continue
        rows.append(tuple(int(aff.get_coefficient_val(isl.dim_type.in_, d).to_python()) for d in range(depth)))
    return rows


def _trip_count(statement: Statement, row: tuple[int, ...]) -> int:
    names = statement.dim_names
    expr = " + ".join(f"{c}*{n}" for c, n in zip(row, names, strict=True) if c) or "0"
    params = statement.domain.get_space().get_var_names(isl.dim_type.param)
    prefix = f"[{', '.join(params)}] -> " if params else ""
    image = statement.domain.apply(
        isl.Map.read_from_str(statement.domain.get_ctx(), f"{prefix}{{ {statement.name}[{', '.join(names)}] -> [{expr}] }}")
    )
    if image.is_empty():
        return 1
    low, high = image.dim_min_val(0), image.dim_max_val(0)
    if not (low.is_int() and high.is_int()):
        return UNKNOWN_EXTENT
    return int(high.to_python()) - int(low.to_python()) + 1


def member_trip_counts(node: isl.ScheduleNode, scop: Scop) -> list[int] | None:
    """Iterations of each member of the band at `node` (the most over its statements)."""
    partial = node.band_get_partial_schedule_union_map()
    counts = [1] * node.band_n_member()
    names: list[str] = []
    node.get_domain().foreach_set(lambda s: names.append(s.get_tuple_name()))
    for name in names:
        statement = scop.statement(name)
        relation = isl.Map.from_union_map(partial.intersect_domain(isl.UnionSet.from_set(statement.domain)))
        for k, row in enumerate(_linear_rows(relation, statement.depth)):
            if row is None:
                return None
            if any(row):
                counts[k] = max(counts[k], _trip_count(statement, row))
    return counts


def band_is_skewed(node: isl.ScheduleNode, scop: Scop) -> bool:
    """Whether some member of the band combines several loop indices (or scales one)."""
    partial = node.band_get_partial_schedule_union_map()
    names: list[str] = []
    node.get_domain().foreach_set(lambda s: names.append(s.get_tuple_name()))
    for name in names:
        statement = scop.statement(name)
        relation = isl.Map.from_union_map(partial.intersect_domain(isl.UnionSet.from_set(statement.domain)))
        for row in _linear_rows(relation, statement.depth):
            if row is None or sum(1 for c in row if c) > 1 or any(abs(c) > 1 for c in row):
                return True
    return False


def band_facts(node: isl.ScheduleNode, scop: Scop) -> BandFacts | None:
    """Facts of the band at `node`, or None when its schedule is not affine enough to analyse."""
    members = node.band_n_member()
    prefix = node.get_prefix_schedule_union_map()
    subtree = node.get_subtree_schedule_union_map()
    whole = prefix.range_product(subtree)
    facts = BandFacts(scop, members, [1] * members)
    domain = node.get_domain()
    names: list[str] = []
    domain.foreach_set(lambda s: names.append(s.get_tuple_name()))
    n_prefix = node.get_schedule_depth()
    for name in sorted(names, key=lambda n: scop.statement(n).position):
        statement = scop.statement(name)
        relation = isl.Map.from_union_map(whole.intersect_domain(isl.UnionSet.from_set(statement.domain)))
        rows = _linear_rows(relation, statement.depth)
        selected: list[tuple[int, ...]] = []
        positions: list[int] = []
        for index, row in enumerate(rows):
            if row is None or not any(row):
                continue
            if rank([*selected, row]) > len(selected):
                selected.append(row)
                positions.append(index)
            if len(selected) == statement.depth:
                break
        if len(selected) != statement.depth:
            return None
        directions: dict[int, tuple[Fraction, ...]] = {}
        for k, index in enumerate(positions):
            unit = tuple(1 if j == k else 0 for j in range(len(selected)))
            column = solve(selected, unit)
            if column is None:
                return None
            directions[index] = column
        band = [directions.get(n_prefix + k) for k in range(members)]
        inner = [
            (directions[index], _trip_count(statement, rows[index]))  # type: ignore[arg-type]
            for index in positions
            if index >= n_prefix + members
        ]
        facts.views.append(_StatementView(statement, band, inner))
        for k in range(members):
            row = rows[n_prefix + k]
            if row is not None and any(row):
                facts.extents[k] = max(facts.extents[k], _trip_count(statement, row))
    return facts
