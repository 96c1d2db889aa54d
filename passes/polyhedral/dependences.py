"""Dependences of a SCoP: exact dataflow, reductions, and what a schedule must respect.

    deps = compute_dependences(scop, relax_reductions=True)
    deps.required      # pairs every new schedule must keep in order
    deps.validity      # what the scheduler must respect (required + reduction unit steps)
    deps.proximity     # what it should keep close (flow dependences + unit steps)
    deps.conflicts     # pairs that may not run in parallel (required + reduction pairs)

RAW, WAR and WAW are exact (isl's dataflow analysis on the original schedule):
each read depends on the last write before it, each write on the reads since the
previous write and on that write. Preserving these preserves every other
conflicting pair by transitivity.

A *reduction* is a statement `x[p] = x[p] op f(...)` (op associative and
commutative: addf, mulf, maximumf, ...), where the written location depends
only on some of the indices, `p`; the others are its reduction dims. Exact
dependences order its iterations as the original loops did: conv's
(c, r, s) reduction has distances like (0, 1, -2), which forbid tiling. With
`relax_reductions` the iterations of one location may run in any order
(floating-point reassociation): the self-dependences are dropped, and
dependences with other statements through the reduced array are widened to the
whole group of iterations of a location, so a producer still runs before all
of them and a consumer after all of them. This is only done when no other
statement touches a location in the middle of its reduction; the unit steps
`S[.., r, ..] -> S[.., r + 1, ..]` then guide the scheduler (validity and
proximity) so each reduction dim stays a forward loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import islpy as isl
from xdsl.dialects import arith
from xdsl.ir import Operation

from nnopt.passes.polyhedral.isl_support import isl_errors
from nnopt.passes.polyhedral.scop import Access, Scop, Statement

REDUCTION_OPS: tuple[type[Operation], ...] = (
    arith.AddfOp,
    arith.MulfOp,
    arith.MaximumfOp,
    arith.MinimumfOp,
    arith.MaxnumfOp,
    arith.MinnumfOp,
    arith.AddiOp,
    arith.MuliOp,
    arith.MaxSIOp,
    arith.MinSIOp,
    arith.MaxUIOp,
    arith.MinUIOp,
    arith.AndIOp,
    arith.OrIOp,
    arith.XOrIOp,
)


@dataclass
class Reduction:
    statement: str
    array: str
    dims: list[int]
    """Positions of the reduction dims among the statement's indices."""
    same_location: isl.Map
    """S[x] -> S[y]: iterations writing the same location (including x = y)."""
    relaxed: bool = False
    why_not_relaxed: str = ""


@dataclass
class Dependences:
    raw: isl.UnionMap
    war: isl.UnionMap
    waw: isl.UnionMap
    required: isl.UnionMap
    validity: isl.UnionMap
    proximity: isl.UnionMap
    conflicts: isl.UnionMap
    reductions: dict[str, Reduction] = field(default_factory=dict)

    def relaxed(self) -> list[Reduction]:
        return [r for r in self.reductions.values() if r.relaxed]


def _flow(
    scop: Scop, sinks: isl.UnionMap, must: isl.UnionMap, may: isl.UnionMap | None = None,
    kill: isl.UnionMap | None = None,
) -> isl.UnionMap:
    info = isl.UnionAccessInfo.from_sink(sinks).set_must_source(must)
    if may is not None:
        info = info.set_may_source(may)
    if kill is not None:
        info = info.set_kill(kill)
    flow = info.set_schedule_map(scop.original_schedule()).compute_flow()
    return flow.get_may_dependence()


def _exact(scop: Scop, reads: isl.UnionMap, writes: isl.UnionMap) -> tuple[isl.UnionMap, isl.UnionMap, isl.UnionMap]:
    empty = isl.UnionMap.empty(writes.get_space())
    raw = _flow(scop, reads, writes)
    waw = _flow(scop, writes, writes)
    war = _flow(scop, writes, empty, may=reads, kill=writes)
    return raw, war, waw


def compute_dependences(scop: Scop, relax_reductions: bool) -> Dependences:
    with isl_errors(scop.anchor, "computing dependences"):
        reads, writes = scop.reads(), scop.writes()
        raw, war, waw = _exact(scop, reads, writes)
        exact = raw.union(war).union(waw)
        reductions = {
            r.statement: r for s in scop.statements if (r := detect_reduction(s)) is not None
        }
        required, proximity, conflicts = exact, raw, exact
        steps = isl.UnionMap.empty(exact.get_space())
        if relax_reductions:
            for reduction in reductions.values():
                _try_relax(scop, reduction, reads, writes)
            for reduction in reductions.values():
                if reduction.relaxed:
                    statement = scop.statement(reduction.statement)
                    required, proximity = _relax(scop, reduction, required, proximity, reads, writes)
                    steps = steps.union(unit_steps(statement, reduction.dims))
                    conflicts = conflicts.union(isl.UnionMap.from_map(reduction.same_location))
            conflicts = conflicts.union(required)
        validity = required.union(steps)
        proximity = proximity.union(steps)
        return Dependences(raw, war, waw, required, validity, proximity, conflicts, reductions)


# -- reductions ------------------------------------------------------------------------------


def detect_reduction(statement: Statement) -> Reduction | None:
    """The reduction `statement` performs, if it is `x[p] = x[p] op f(...)`."""
    writes = statement.writes()
    if len(writes) != 1:
        return None
    write = writes[0]
    store = write.op
    value = store.operands[0]
    combiner = value.owner
    if not isinstance(combiner, REDUCTION_OPS) or len(combiner.operands) != 2:
        return None
    accumulator = _matching_load(statement, write, combiner)
    if accumulator is None:
        return None
    if any(a.array == write.array for a in statement.accesses if a is not write and a is not accumulator):
        return None
    used: set[int] = set().union(*(expr.used_dims() for expr in write.indices))
    dims = [d for d in range(statement.depth) if d not in used]
    if not dims:
        return None
    same_location = write.relation.apply_range(write.relation.reverse())
    kept = " and ".join(f"{statement.dim_names[d]} = {statement.dim_names[d]}_" for d in sorted(used)) or "true"
    equal_kept = isl.Map.read_from_str(
        statement.domain.get_ctx(),
        f"[{', '.join(statement.domain.get_space().get_var_names(isl.dim_type.param))}] -> "
        f"{{ {statement.name}[{', '.join(statement.dim_names)}] -> "
        f"{statement.name}[{', '.join(n + '_' for n in statement.dim_names)}] : {kept} }}",
    )
    if not same_location.is_subset(equal_kept):
        return None
    return Reduction(statement.name, write.array, dims, same_location)


def _matching_load(statement: Statement, write: Access, combiner: Operation) -> Access | None:
    for read in statement.reads():
        if read.array != write.array or read.indices != write.indices:
            continue
        result = read.op.results[0]
        if any(operand is result for operand in combiner.operands) and result.has_one_use():
            return read
    return None


def unit_steps(statement: Statement, dims: list[int]) -> isl.UnionMap:
    """S[x] -> S[next x along d] for each reduction dim d (the next point of the domain)."""
    names = statement.dim_names
    primed = [n + "_" for n in names]
    params = ", ".join(statement.domain.get_space().get_var_names(isl.dim_type.param))
    result = isl.UnionMap.empty(statement.domain.get_space().params())
    for d in dims:
        equal = [f"{primed[k]} = {names[k]}" for k in range(len(names)) if k != d]
        text = (
            f"[{params}] -> {{ {statement.name}[{', '.join(names)}] -> "
            f"{statement.name}[{', '.join(primed)}] : {' and '.join([*equal, f'{primed[d]} > {names[d]}'])} }}"
        )
        step = isl.Map.read_from_str(statement.domain.get_ctx(), text)
        step = step.intersect_domain(statement.domain).intersect_range(statement.domain).lexmin()
        result = result.union(isl.UnionMap.from_map(step))
    return result


def _first_and_last(statement: Statement, same_location: isl.Map) -> tuple[isl.Set, isl.Set]:
    space = statement.domain.get_space()
    before = isl.Map.lex_lt(space)
    has_earlier = same_location.intersect(before.reverse()).domain()
    has_later = same_location.intersect(before).domain()
    return statement.domain.subtract(has_earlier), statement.domain.subtract(has_later)


def _through(relation: isl.UnionMap, array: str) -> isl.UnionMap:
    """Accesses restricted to `array`."""
    result = isl.UnionMap.empty(relation.get_space())
    pieces: list[isl.Map] = []
    relation.foreach_map(pieces.append)
    for piece in pieces:
        if piece.get_tuple_name(isl.dim_type.out) == array:
            result = result.union(isl.UnionMap.from_map(piece))
    return result


def _split(relation: isl.UnionMap) -> list[isl.Map]:
    pieces: list[isl.Map] = []
    relation.foreach_map(pieces.append)
    return pieces


def _try_relax(scop: Scop, reduction: Reduction, reads: isl.UnionMap, writes: isl.UnionMap) -> None:
    """Relax `reduction` unless another statement sees its partial results."""
    statement = scop.statement(reduction.statement)
    first, last = _first_and_last(statement, reduction.same_location)
    raw, war, waw = _exact(scop, _through(reads, reduction.array), _through(writes, reduction.array))
    for dep in _split(raw.union(war).union(waw)):
        source = dep.get_tuple_name(isl.dim_type.in_)
        target = dep.get_tuple_name(isl.dim_type.out)
        if source == target == statement.name:
            continue
        if source == statement.name and not dep.domain().is_subset(last):
            reduction.why_not_relaxed = f"{target} uses partial results of the reduction in {source}"
            return
        if target == statement.name and not dep.range().is_subset(first):
            reduction.why_not_relaxed = f"{source} accesses the reduced array during the reduction in {target}"
            return
    reduction.relaxed = True


def _relax(
    scop: Scop,
    reduction: Reduction,
    required: isl.UnionMap,
    proximity: isl.UnionMap,
    reads: isl.UnionMap,
    writes: isl.UnionMap,
) -> tuple[isl.UnionMap, isl.UnionMap]:
    name = reduction.statement
    group = isl.UnionMap.from_map(reduction.same_location)
    kept = isl.UnionMap.empty(required.get_space())
    for dep in _split(required):
        if dep.get_tuple_name(isl.dim_type.in_) == name and dep.get_tuple_name(isl.dim_type.out) == name:
            continue
        kept = kept.union(isl.UnionMap.from_map(dep))
    raw, war, waw = _exact(scop, _through(reads, reduction.array), _through(writes, reduction.array))
    for dep in _split(raw.union(war).union(waw)):
        source = dep.get_tuple_name(isl.dim_type.in_)
        target = dep.get_tuple_name(isl.dim_type.out)
        if source == target:
            continue
        widened = isl.UnionMap.from_map(dep)
        if target == name:
            widened = widened.apply_range(group)
        if source == name:
            widened = group.apply_range(widened)
        kept = kept.union(widened)
    close = isl.UnionMap.empty(proximity.get_space())
    for dep in _split(proximity):
        if dep.get_tuple_name(isl.dim_type.in_) == name and dep.get_tuple_name(isl.dim_type.out) == name:
            continue
        close = close.union(isl.UnionMap.from_map(dep))
    return kept, close
