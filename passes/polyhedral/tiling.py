"""Tiling, intra-tile permutation, SIMD marks and wavefronts on an isl schedule tree.

    schedule = transform_bands(schedule, scop, BandOptions(tile=True, levels=1), deps.required)

Every permutable band, innermost first:

1. Intra-tile order: the coincident member whose accesses are most often
   unit-stride (`BandFacts.stride_score`) moves to the innermost position,
   above only the members of a few iterations (a 3x3 window), when every
   access is unit-stride, invariant or 2 apart along it, or when every write is
   unit-stride and a long loop runs inside (else the order stays).
2. Tiling: `band_tile` splits the band into tile loops (stepping by the tile
   size) and point loops; sizes come from the option or the cache model.
   With two levels the tile band is tiled again (L2 above L1).
3. Full tiles are isolated (`isolate` AST option on the tile band): their point
   loops get constant bounds, partial tiles keep min/max bounds.
4. A band without any parallel member (a time-skewed stencil) gets a wavefront
   on its tile loops: the first tile loop becomes t0 + t1, so the second one
   runs in parallel.
5. The innermost member, if every access is unit-stride or invariant along it,
   is split off, sunk below the inner loops with many iterations (a conv's
   channel loop, a matmul's k) but above short ones (a 3x3 window, which the C
   compiler unrolls inside the vector loop), and marked `simd`.
6. In a time-tiled (wavefront) band, each statement gets its own innermost
   point loop when the dependences allow it (checked at once).

Example: a 512^3 matmul's band (i, j) {init; (k) {update}} becomes tile loops
(i, j) step 64, point loop i, and j sunk into the init and below k, marked simd.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import islpy as isl

from nnopt.passes.polyhedral.band_facts import (
    BandFacts,
    band_facts,
    band_is_skewed,
    member_trip_counts,
)
from nnopt.passes.polyhedral.cache_model import (
    CacheModel,
    TilingHints,
    outer_tile_sizes_for,
    tile_sizes_for,
)
from nnopt.passes.polyhedral.codegen import SIMD_MARK
from nnopt.passes.polyhedral.legality import violated_dependences
from nnopt.passes.polyhedral.scop import Scop

ISOLATE_MARK = "isolate-full-tiles"
SMALL_LOOP = 4
LONG_REDUCTION = 256
"""Inner loops at least this long are worth a strided SIMD loop around them."""
"""Loops of at most this many iterations stay inside the SIMD loop (the C compiler unrolls them)."""


@dataclass(frozen=True)
class BandOptions:
    tile: bool = True
    sizes: tuple[int, ...] = ()
    """L1 tile sizes per band member (the last one repeats); empty: the cache model's."""
    outer_sizes: tuple[int, ...] = ()
    """L2 tile sizes (multiples of the L1 ones); empty: the cache model's when levels = 2."""
    levels: int = 1
    isolate: bool = True
    simd: bool = True
    wavefront: bool = True
    cache: CacheModel = field(default_factory=CacheModel)


def _band_paths(node: isl.ScheduleNode, path: list[int], out: list[list[int]]) -> None:
    for k in range(node.n_children()):
        _band_paths(node.child(k), [*path, k], out)
    if node.get_type() == isl.schedule_node_type.band:
        out.append(path)


def _at(schedule: isl.Schedule, path: list[int]) -> isl.ScheduleNode:
    node = schedule.get_root()
    for k in path:
        node = node.child(k)
    return node


class UntiledSkew(Exception):
    """A band skewed for tiling (no parallel member) that is not tiled: worse than the original order."""


def transform_bands(
    schedule: isl.Schedule, scop: Scop, options: BandOptions, required: isl.UnionMap
) -> isl.Schedule:
    """Apply steps 1-6 to every band; UntiledSkew when a skewed band ends up untiled.

    `required` are the dependences a tentative change (step 6) is checked against.
    """
    paths: list[list[int]] = []
    _band_paths(schedule.get_root(), [], paths)
    transform = _BandTransform(scop, options, required)
    for path in paths:
        node = _at(schedule, path)
        if _under_simd_mark(node):
            continue
        schedule = transform.apply(node).get_schedule()
    marks: list[list[int]] = []
    _isolate_marks(schedule.get_root(), [], marks)
    for path in marks:
        mark = _at(schedule, path)
        sizes, points = transform.pending_isolation[int(mark.mark_get_id().get_name().split()[1])]
        below = mark.delete()
        schedule = transform.isolate_full_tiles(below.parent(), sizes, points).get_schedule()
    return schedule


def _isolate_marks(node: isl.ScheduleNode, path: list[int], out: list[list[int]]) -> None:
    """Paths of the isolate marks, deepest first."""
    for k in range(node.n_children()):
        _isolate_marks(node.child(k), [*path, k], out)
    if node.get_type() == isl.schedule_node_type.mark and node.mark_get_id().get_name().startswith(ISOLATE_MARK):
        out.append(path)


def _under_simd_mark(node: isl.ScheduleNode) -> bool:
    if not node.has_parent():
        return False
    parent = node.parent()
    return parent.get_type() == isl.schedule_node_type.mark and parent.mark_get_id().get_name() == SIMD_MARK


def _sizes(option: tuple[int, ...], members: int) -> list[int]:
    return [option[min(k, len(option) - 1)] for k in range(members)]


class _BandTransform:
    def __init__(self, scop: Scop, options: BandOptions, required: isl.UnionMap) -> None:
        self.scop = scop
        self.ctx = scop.ctx
        self.options = options
        self.required = required
        self.pending_isolation: list[tuple[list[int], isl.UnionMap]] = []
        """Sizes and point-loop schedules of the tile bands marked for isolation."""

    def apply(self, node: isl.ScheduleNode) -> isl.ScheduleNode:
        if not node.band_get_permutable() and node.band_n_member() > 1:
            return node
        facts = band_facts(node, self.scop)
        if facts is None:
            return node
        members = node.band_n_member()
        coincident = [bool(node.band_member_get_coincident(k)) for k in range(members)]
        vector = self._vector_member(facts, coincident)
        if vector is not None and not (self.options.simd and self._worth_sinking(facts, vector)):
            vector = None
        if vector is not None:
            # innermost, except for short loops (a kernel window) that stay inside it
            short = [k for k in range(members) if k != vector and facts.extents[k] <= SMALL_LOOP]
            order = [k for k in range(members) if k != vector and k not in short] + [vector] + short
            if order != list(range(members)):
                node = _permute(node, order, coincident)
                coincident = [coincident[k] for k in order]
                facts = band_facts(node, self.scop)
                assert facts is not None
            vector = order.index(vector)
        sink = vector is not None
        mark = vector is not None and facts.vectorizable(vector)
        levels = 0
        if self.options.tile:
            innermost = vector if sink else (members - 1 if not any(coincident) and members > 1 else None)
            hints = TilingHints(innermost, all(coincident))
            node, levels = self._tile(node, facts, coincident, hints)
        if levels == 0 and members > 1 and not any(coincident) and band_is_skewed(node, self.scop):
            raise UntiledSkew("no tile loop would use the skewed band")
        if sink:
            assert vector is not None
            node = self._mark_simd(node, levels, vector, mark)
        return node

    @staticmethod
    def _worth_sinking(facts: BandFacts, member: int) -> bool:
        """Every access unit-stride, invariant or 2 apart along `member`; or every write
        unit-stride above a long inner loop (a strided read then beats the scalar
        reduction chain the C compiler would make of that loop: syrk's k)."""
        if facts.vectorizable(member, max_stride=2):
            return True
        return facts.writes_contiguous(member) and facts.longest_inner_loop() >= LONG_REDUCTION

    @staticmethod
    def _vector_member(facts: BandFacts, coincident: list[bool]) -> int | None:
        candidates = [k for k in range(facts.members) if coincident[k]]
        if not candidates:
            return None
        best = max(candidates, key=lambda k: (facts.stride_score(k), k))
        return best if facts.stride_score(best) > 0 else None

    # -- tiling ------------------------------------------------------------------------------

    def _tile(
        self, node: isl.ScheduleNode, facts: BandFacts, coincident: list[bool], hints: TilingHints
    ) -> tuple[isl.ScheduleNode, int]:
        """Tile the band at `node`: the top tile band and how many nodes lie above the point band."""
        members = node.band_n_member()
        if self.options.sizes:
            sizes = _sizes(self.options.sizes, members)
        else:
            chosen = tile_sizes_for(facts, self.options.cache, hints)
            if chosen is None:
                return node, 0
            sizes = chosen
        sizes = [max(1, min(s, e)) for s, e in zip(sizes, facts.extents, strict=True)]
        if all(s >= e for s, e in zip(sizes, facts.extents, strict=True)):
            return node, 0
        node = self._tile_once(node, sizes, coincident)
        depth, top_sizes = 1, sizes
        wavefront = self.options.wavefront and not any(coincident) and members > 1
        if self.options.isolate and not wavefront:
            # (isolating full tiles of a wavefront splits its parallel loop into pieces)
            # isolation makes the subtree "anchored", which forbids tiling the bands above:
            # mark the tile band now, set the option once every band is tiled
            mark = f"{ISOLATE_MARK} {len(self.pending_isolation)}"
            points = node.child(0).band_get_partial_schedule_union_map()
            self.pending_isolation.append((sizes, points))
            node = node.child(0).insert_mark(isl.Id(mark, context=self.ctx)).parent()
            depth += 1
        outer: list[int] | None = None
        if self.options.levels > 1:
            outer = (
                _sizes(self.options.outer_sizes, members)
                if self.options.outer_sizes
                else outer_tile_sizes_for(facts, sizes, self.options.cache)
            )
        if outer is not None and any(o > s for o, s in zip(outer, sizes, strict=True)):
            outer = [max(o, s) for o, s in zip(outer, sizes, strict=True)]
            node = self._tile_once(node, outer, coincident)
            depth, top_sizes = depth + 1, outer
        if wavefront:
            node = self._wavefront(node, top_sizes)
            node = self._distribute_innermost(node, depth)
        return node, depth

    def _distribute_innermost(self, top: isl.ScheduleNode, depth: int) -> isl.ScheduleNode:
        """Give each statement its own innermost point loop, when that stays legal.

        A time-tiled stencil's sweeps share the point loops, shifted against each
        other: in one innermost loop, the second sweep reads what the first wrote
        one iteration before, which stops vectorization. Run in turn, each sweep's
        innermost loop is a plain row.
        """
        point = top
        for _ in range(depth):
            point = point.child(0)
        names: list[str] = []
        point.get_domain().foreach_set(lambda s: names.append(s.get_tuple_name()))
        if len(names) < 2 or point.band_n_member() < 2:
            return top
        names.sort(key=lambda n: self.scop.statement(n).position)
        inner = point.band_split(point.band_n_member() - 1).child(0)
        schedule = inner.band_get_partial_schedule()
        leaf = inner.delete()
        filters = isl.UnionSetList.alloc(self.ctx, len(names))
        for name in names:
            filters = filters.add(isl.UnionSet.from_set(self.scop.statement(name).domain))
        node = leaf.insert_sequence(filters)
        for k in range(len(names)):
            branch = node.child(k).child(0)
            branch = branch.insert_partial_schedule(schedule.intersect_domain(branch.get_domain()))
            node = branch.parent().parent()
        candidate = node.parent()
        for _ in range(depth):
            candidate = candidate.parent()
        if not violated_dependences(candidate.get_schedule(), self.required).is_empty():
            return top
        return candidate

    def _tile_once(self, node: isl.ScheduleNode, sizes: list[int], coincident: list[bool]) -> isl.ScheduleNode:
        node = node.band_tile(isl.MultiVal.read_from_str(self.ctx, "{ [" + ", ".join(map(str, sizes)) + "] }"))
        for k, flag in enumerate(coincident):
            node = node.band_member_set_coincident(k, 1 if flag else 0)
        return node

    def isolate_full_tiles(
        self, tile: isl.ScheduleNode, sizes: list[int], point_schedule: isl.UnionMap
    ) -> isl.ScheduleNode:
        """Set the isolate option on `tile` for the tiles whose point loops are complete.

        `point_schedule` gives each instance's point coordinates (the band before
        tiling).
        """
        outer = tile.get_prefix_schedule_relation()
        tiles = outer.range_product(tile.band_get_partial_schedule_union_map())
        points = isl.Map.from_union_map(tiles.reverse().apply_range(point_schedule))
        outer_names = [f"o{k}" for k in range(tile.get_schedule_depth())]
        tile_names = [f"t{k}" for k in range(len(sizes))]
        point_names = [f"p{k}" for k in range(len(sizes))]
        box = " and ".join(f"t{k} <= p{k} < t{k} + {s}" for k, s in enumerate(sizes))
        params = self.scop.params.names
        prefix = f"[{', '.join(params)}] -> " if params else ""
        box_map = isl.Map.read_from_str(
            self.ctx,
            f"{prefix}{{ [[{', '.join(outer_names)}] -> [{', '.join(tile_names)}]] -> [{', '.join(point_names)}] : {box} }}",
        ).intersect_domain(points.domain())
        partial = box_map.subtract(points).domain()
        full = points.domain().subtract(partial)
        if full.is_empty():
            return tile
        return tile.band_set_ast_build_options(isl.UnionSet.from_set(full.set_tuple_name("isolate")))

    def _wavefront(self, tile: isl.ScheduleNode, sizes: list[int]) -> isl.ScheduleNode:
        """First tile loop := t0 / s0 + t1 / s1, which makes the second tile loop parallel."""
        schedule = tile.band_get_partial_schedule()
        first = schedule.get_union_pw_aff(0).scale_down_val(isl.Val.int_from_si(self.ctx, sizes[0]))
        second = schedule.get_union_pw_aff(1).scale_down_val(isl.Val.int_from_si(self.ctx, sizes[1]))
        schedule = schedule.set_union_pw_aff(0, first.add(second))
        return tile.delete().insert_partial_schedule(schedule).band_set_permutable(1)

    # -- SIMD --------------------------------------------------------------------------------

    def _mark_simd(self, node: isl.ScheduleNode, levels: int, vector: int, mark: bool) -> isl.ScheduleNode:
        """Split the vector member off the point band, sink it below the long inner loops, mark it."""
        for _ in range(levels):
            node = node.child(0)
        depth = levels
        if vector > 0:
            node = node.band_split(vector).child(0)
            depth += 1
        if node.band_n_member() > 1:
            node = node.band_split(1)
        schedule = node.band_get_partial_schedule()
        node = self._sink(node.delete(), schedule, mark)
        for _ in range(depth):
            node = node.parent()
        return node

    def _sink(self, node: isl.ScheduleNode, vector: isl.MultiUnionPwAff, mark: bool) -> isl.ScheduleNode:
        """Insert the vector loop below every inner loop of more than SMALL_LOOP iterations.

        Loops of a few iterations (a 3x3 kernel window) stay inside the vector
        loop, where the C compiler unrolls them: conv's w loop goes below the
        channel loop c but above r and s (6x faster than below all three).
        Returns a node at the same position.
        """
        kind = node.get_type()
        if kind == isl.schedule_node_type.band:
            extents = member_trip_counts(node, self.scop) or [SMALL_LOOP + 1] * node.band_n_member()
            small_from = len(extents)
            while small_from > 0 and extents[small_from - 1] <= SMALL_LOOP:
                small_from -= 1
            if small_from == len(extents):
                return self._sink(node.child(0), vector, mark).parent()
            if small_from > 0:
                return self._insert_vector(node.band_split(small_from).child(0), vector, mark).parent()
            return self._insert_vector(node, vector, mark)
        if kind == isl.schedule_node_type.leaf:
            return self._insert_vector(node, vector, mark)
        for k in range(node.n_children()):
            node = self._sink(node.child(k), vector, mark).parent()
        return node

    def _insert_vector(self, node: isl.ScheduleNode, vector: isl.MultiUnionPwAff, mark: bool) -> isl.ScheduleNode:
        band = node.insert_partial_schedule(vector.intersect_domain(node.get_domain()))
        band = band.band_set_permutable(1).band_member_set_coincident(0, 1)
        return band.insert_mark(isl.Id(SIMD_MARK, context=self.ctx)) if mark else band


def _permute(node: isl.ScheduleNode, order: list[int], coincident: list[bool]) -> isl.ScheduleNode:
    schedule = node.band_get_partial_schedule()
    members = [schedule.get_union_pw_aff(k) for k in order]
    for position, member in enumerate(members):
        schedule = schedule.set_union_pw_aff(position, member)
    node = node.delete().insert_partial_schedule(schedule).band_set_permutable(1)
    for position, k in enumerate(order):
        node = node.band_member_set_coincident(position, 1 if coincident[k] else 0)
    return node
