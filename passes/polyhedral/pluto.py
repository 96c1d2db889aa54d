"""Pluto's scheduling algorithm (Bondhugula et al., PLDI 2008) on islpy.

    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="nn")).schedule()

For the statements of a group it finds hyperplanes φ_S(x) = c_S · x + c_S0 one
row at a time. For every dependence S -> T still live,

* legality:  φ_T(t) - φ_S(s) ≥ 0 on the dependence polyhedron,
* bounding:  u · n + w - (φ_T(t) - φ_S(s)) ≥ 0 (n: parameters) for flow
  dependences, so that lexmin(u, w, ...) keeps dependent iterations close.

Both are linearised by the affine form of Farkas' lemma: isl computes the
cone of valid coefficients of a polyhedron directly (`Set.coefficients`), and
the coefficients of our unknowns are its preimage under a linear map. The
unknowns are bounded (0 ≤ c ≤ max-coefficient, 0 ≤ c0 ≤ max-shift) and each
new row must be linearly independent of the statement's earlier rows (Pluto's
orthogonal-subspace constraints). The integer lexmin of
(u, w, Σc, per statement c_m .. c_1, c0) picks the row: no dependence
distance if possible, then no skew, then the original loop order (found
variable by variable with integer emptiness tests, see `_lexmin`).

Rows found against the same live dependences form a permutable band. When a
statement has all its rows, the band ends and the group is split (statements
that are done go into a sequence with the others, in dependence order). When
no row exists, the group's strongly connected components are clustered
(fusion) and put in a sequence; the policy decides which components may be
fused:

* `nofuse`    each SCC alone (Pluto's --nofuse)
* `smartfuse` only SCCs of the same dimensionality (Pluto's default)
* `maxfuse`   any SCCs along a dependence, with constant shifts
* `nn`        any SCCs along a dependence, without constant shifts between
              them (conv + bias + ReLU, attention rows); shifts stay allowed
              inside a cycle, which stencils need for time skewing.

A group that cannot be scheduled raises SchedulingFailed; going over the isl
operation budget of one Farkas cone raises BudgetExceeded (the pass runs the
whole scheduler under a time limit as well, see `time_limit.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import islpy as isl

from nnopt.passes.polyhedral.dependences import Dependences
from nnopt.passes.polyhedral.isl_support import (
    SchedulingFailed,
    integer_basic_set,
    operation_budget,
)
from nnopt.passes.polyhedral.linear_algebra import null_space, rank
from nnopt.passes.polyhedral.schedule_tree import Band, Leaf, Node, Row, Sequence, rows_union_map
from nnopt.passes.polyhedral.scop import Scop

FUSION_POLICIES = ("nofuse", "smartfuse", "maxfuse", "nn")


@dataclass(frozen=True)
class PlutoOptions:
    fuse: str = "nn"
    max_shift: int = 1
    max_coefficient: int = 4
    max_operations: int = 50_000_000
    """isl operations allowed for one Farkas cone."""
    max_fusion_distance: int = 16
    """Largest dependence distance a row may have when it fuses separate components."""


@dataclass
class Live:
    """Dependence relations not yet satisfied by outer bands or sequences."""

    validity: isl.UnionMap
    proximity: isl.UnionMap
    conflicts: isl.UnionMap

    def restrict(self, domain: isl.UnionSet) -> Live:
        def cut(relation: isl.UnionMap) -> isl.UnionMap:
            return relation.intersect_domain(domain).intersect_range(domain)

        return Live(cut(self.validity), cut(self.proximity), cut(self.conflicts))

    def keep(self, same: isl.UnionMap) -> Live:
        # no coalescing: merged disjuncts make Farkas coefficients much slower
        return Live(self.validity.intersect(same), self.proximity.intersect(same), self.conflicts.intersect(same))


def split_maps(relation: isl.UnionMap) -> list[isl.Map]:
    pieces: list[isl.Map] = []
    relation.foreach_map(pieces.append)
    return [p for p in pieces if not p.is_empty()]


def endpoints(relation: isl.Map) -> tuple[str, str]:
    return relation.get_tuple_name(isl.dim_type.in_), relation.get_tuple_name(isl.dim_type.out)


class _Layout:
    """The unknowns of one integer program: [u.., w, tot, per statement c_m..c_1, c0]."""

    def __init__(self, names: list[str], dims: dict[str, int], num_params: int) -> None:
        self.names = names
        self.dims = dims
        self.variables = [f"u{p}" for p in range(num_params)] + ["w", "tot"]
        for name in names:
            self.variables += [self.coefficient(name, k) for k in reversed(range(dims[name]))]
            self.variables.append(self.constant(name))
        self.position = {v: i for i, v in enumerate(self.variables)}

    @staticmethod
    def coefficient(name: str, k: int) -> str:
        return f"{name}_c{k}"

    @staticmethod
    def constant(name: str) -> str:
        return f"{name}_k"

    @property
    def tuple_text(self) -> str:
        return "[" + ", ".join(self.variables) + "]"

    def decode(self, values: list[int]) -> dict[str, Row]:
        rows: dict[str, Row] = {}
        for name in self.names:
            coefficients = tuple(values[self.position[self.coefficient(name, k)]] for k in range(self.dims[name]))
            rows[name] = Row(coefficients, values[self.position[self.constant(name)]])
        return rows


class PlutoScheduler:
    def __init__(self, scop: Scop, deps: Dependences, options: PlutoOptions) -> None:
        if options.fuse not in FUSION_POLICIES:
            raise ValueError(f"unknown fusion policy '{options.fuse}' (one of {', '.join(FUSION_POLICIES)})")
        self.scop = scop
        self.deps = deps
        self.options = options
        self.ctx = scop.ctx
        self.dims = {s.name: s.depth for s in scop.statements}
        self.order = {s.name: s.position for s in scop.statements}
        self.found: dict[str, list[tuple[int, ...]]] = {s.name: [] for s in scop.statements}
        self.cyclic: set[str] = set()
        self.ilps = 0
        self._coefficients: dict[str, isl.BasicSet] = {}
        self._nonnegative_params = isl.Set.read_from_str(
            self.ctx,
            "[" + ", ".join(scop.params.names) + "] -> { : "
            + (" and ".join(f"{p} >= 0" for p in scop.params.names) or "true")
            + " }",
        )

    # -- entry ------------------------------------------------------------------------------

    def schedule(self) -> Node:
        names = [s.name for s in self.scop.statements]
        live = Live(self.deps.validity, self.deps.proximity, self.deps.conflicts)
        return self._group(names, live)

    def _full(self, name: str) -> bool:
        return rank(self.found[name]) >= self.dims[name]

    def _domain(self, names: list[str]) -> isl.UnionSet:
        result = isl.UnionSet.empty(self.scop.context.get_space())
        for name in names:
            result = result.union(isl.UnionSet.from_set(self.scop.statement(name).domain))
        return result

    # -- groups -----------------------------------------------------------------------------

    def _group(self, names: list[str], live: Live) -> Node:
        nonfull = [n for n in names if not self._full(n)]
        sccs = self._sccs(names, live.validity)
        if not nonfull:
            if any(len(c) > 1 for c in sccs):
                raise SchedulingFailed(f"statements {', '.join(names)} depend on each other at the same point")
            return self._sequence(sccs, live) if len(sccs) > 1 else Leaf()
        if len(nonfull) < len(names):
            return self._split_done(sccs, live)
        for component in sccs:
            if len(component) > 1:
                self.cyclic.update(component)
        if len(sccs) == 1 or self._may_fuse(sccs):
            band = self._band(names, live, fusing=len(sccs) > 1)
            if band is not None:
                return band
            if len(sccs) == 1:
                raise SchedulingFailed(f"no legal hyperplane for {', '.join(names)}")
        return self._sequence(self._cluster(sccs, live), live)

    def _sequence(self, parts: list[list[str]], live: Live) -> Node:
        if len(parts) == 1:
            raise SchedulingFailed(f"statements {', '.join(parts[0])} cannot be ordered or fused")
        children: list[tuple[list[str], Node]] = []
        for part in parts:
            children.append((part, self._group(part, live.restrict(self._domain(part)))))
        return Sequence(children)

    def _split_done(self, sccs: list[list[str]], live: Live) -> Node:
        """Statements with all their rows go alone; runs of the others stay together."""
        parts: list[list[str]] = []
        for component in sccs:
            done = all(self._full(n) for n in component)
            if not done and any(self._full(n) for n in component):
                raise SchedulingFailed(f"statements {', '.join(component)} depend on each other in a cycle")
            if not done and parts and not all(self._full(n) for n in parts[-1]):
                parts[-1] = parts[-1] + component
            else:
                parts.append(list(component))
        return self._sequence(parts, live)

    def _may_fuse(self, components: list[list[str]]) -> bool:
        policy = self.options.fuse
        if policy == "nofuse":
            return len(components) <= 1
        if policy == "smartfuse":
            return len({self.dims[n] for c in components for n in c}) <= 1
        return True

    # -- dependence graph -------------------------------------------------------------------

    def _edges(self, relation: isl.UnionMap) -> list[tuple[str, str]]:
        edges = {endpoints(m) for m in split_maps(relation)}
        return sorted(edges, key=lambda e: (self.order[e[0]], self.order[e[1]]))

    def _sccs(self, names: list[str], relation: isl.UnionMap) -> list[list[str]]:
        """Strongly connected components in topological order (program order breaks ties)."""
        successors: dict[str, set[str]] = {n: set() for n in names}
        for source, target in self._edges(relation):
            if source in successors and target in successors and source != target:
                successors[source].add(target)
        components = _tarjan(sorted(names, key=self.order.__getitem__), successors)
        return self._topological([sorted(c, key=self.order.__getitem__) for c in components], successors)

    def _topological(self, parts: list[list[str]], successors: dict[str, set[str]]) -> list[list[str]]:
        owner = {n: k for k, part in enumerate(parts) for n in part}
        indegree = [0] * len(parts)
        part_successors: list[set[int]] = [set() for _ in parts]
        for source, targets in successors.items():
            for target in targets:
                a, b = owner[source], owner[target]
                if a != b and b not in part_successors[a]:
                    part_successors[a].add(b)
                    indegree[b] += 1
        ready = [k for k in range(len(parts)) if indegree[k] == 0]
        ordered: list[list[str]] = []
        while ready:
            ready.sort(key=lambda k: min(self.order[n] for n in parts[k]))
            k = ready.pop(0)
            ordered.append(parts[k])
            for successor in part_successors[k]:
                indegree[successor] -= 1
                if indegree[successor] == 0:
                    ready.append(successor)
        if len(ordered) != len(parts):
            raise SchedulingFailed("the statement groups depend on each other cyclically")
        return ordered

    def _cluster(self, sccs: list[list[str]], live: Live) -> list[list[str]]:
        """Fuse components along dependences where the policy allows and a common row exists."""
        clusters: list[list[str]] = [list(c) for c in sccs]
        where = {n: k for k, c in enumerate(clusters) for n in c}
        successors: dict[str, set[str]] = {n: set() for c in clusters for n in c}
        for source, target in self._edges(live.validity):
            if source in successors and target in successors and source != target:
                successors[source].add(target)
        if self.options.fuse != "nofuse":
            for source, target in self._edges(live.validity.union(live.proximity)):
                if source not in where or target not in where:
                    continue
                a, b = where[source], where[target]
                if a == b:
                    continue
                merged = sorted(set(self._between(clusters, where, successors, a, b)))
                members = [n for k in merged for n in clusters[k]]
                if not self._may_fuse([clusters[k] for k in merged]):
                    continue
                if self._has_row(members, live.restrict(self._domain(members))):
                    keep = merged[0]
                    for k in merged[1:]:
                        clusters[keep].extend(clusters[k])
                        clusters[k] = []
                    for n in clusters[keep]:
                        where[n] = keep
        remaining = [sorted(c, key=self.order.__getitem__) for c in clusters if c]
        return self._topological(remaining, successors)

    @staticmethod
    def _between(
        clusters: list[list[str]], where: dict[str, int], successors: dict[str, set[str]], a: int, b: int
    ) -> list[int]:
        """Clusters on some path from a to b (a and b included)."""
        graph: dict[int, set[int]] = {}
        for source, targets in successors.items():
            for target in targets:
                if where[source] != where[target]:
                    graph.setdefault(where[source], set()).add(where[target])

        def reach(start: int, edges: dict[int, set[int]]) -> set[int]:
            seen, stack = {start}, [start]
            while stack:
                for nxt in edges.get(stack.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            return seen

        reverse: dict[int, set[int]] = {}
        for origin, ends in graph.items():
            for end in ends:
                reverse.setdefault(end, set()).add(origin)
        return sorted((reach(a, graph) & reach(b, reverse)) | {a, b})

    # -- bands ------------------------------------------------------------------------------

    def _parallel_fusion(self, fusing: bool) -> bool:
        """The nn policy fuses separate components only along parallel loops."""
        return fusing and self.options.fuse == "nn"

    def _band(self, names: list[str], live: Live, fusing: bool) -> Band | None:
        layout = _Layout(names, self.dims, len(self.scop.params))
        base = self._constraints(layout, live, self._parallel_fusion(fusing))
        rows: list[dict[str, Row]] = []
        while not any(self._full(n) for n in names):
            values = self._solve(layout, base, fusing)
            if values is None:
                break
            row = layout.decode(values)
            rows.append(row)
            for name in names:
                self.found[name].append(row[name].coefficients)
        if not rows:
            return None
        band_map = rows_union_map(self.scop, rows)
        coincident = [self._coincident(rows, k, live.conflicts) for k in range(len(rows))]
        same = band_map.apply_range(band_map.reverse())
        return Band(rows, self._group(names, live.keep(same)), True, coincident)

    def _has_row(self, names: list[str], live: Live) -> bool:
        layout = _Layout(names, self.dims, len(self.scop.params))
        base = self._constraints(layout, live, self._parallel_fusion(True))
        return self._solve(layout, base, fusing=True, feasibility_only=True) is not None

    def _coincident(self, rows: list[dict[str, Row]], k: int, conflicts: isl.UnionMap) -> bool:
        member = rows_union_map(self.scop, [rows[k]])
        distances = conflicts.apply_domain(member).apply_range(member)
        if distances.is_empty():
            return True
        zero = isl.UnionSet.read_from_str(self.ctx, "[" + ", ".join(self.scop.params.names) + "] -> { [0] }")
        return distances.deltas().is_subset(zero)

    def _constraints(self, layout: _Layout, live: Live, coincident: bool = False) -> isl.BasicSet:
        """Legality and bounding constraints of every live dependence, over the unknowns.

        With `coincident`, every conflicting pair must also get the same value
        (distance zero): the row is a parallel loop.
        """
        result = isl.BasicSet.universe(
            isl.BasicSet.read_from_str(self.ctx, f"{{ {layout.tuple_text} }}").get_space()
        )
        for dep in split_maps(live.validity):
            result = result.intersect(self._farkas(layout, dep, "legal"))
        for dep in split_maps(live.proximity):
            result = result.intersect(self._farkas(layout, dep, "bound"))
        if coincident:
            for dep in split_maps(live.conflicts):
                result = result.intersect(self._farkas(layout, dep, "zero"))
        return result

    def _farkas(self, layout: _Layout, dep: isl.Map, kind: str) -> isl.BasicSet:
        """Constraints of one dependence relation S -> T over the unknowns.

        kind "legal": φ_T(t) - φ_S(s) >= 0; "bound": u·n + w - (φ_T(t) - φ_S(s)) >= 0;
        "zero": φ_T(t) - φ_S(s) <= 0. The cone lists [c_cst, c_params, c_source,
        c_target] of every affine form non-negative on the dependence; the
        unknowns map into it linearly. For a self-dependence only the distances
        t - s matter (the constants cancel), so the cone of the distance set is
        used: half the dimensions.
        """
        source, target = endpoints(dep)
        if kind == "bound":
            dep = dep.intersect_params(self._nonnegative_params)
        num_params = dep.dim(isl.dim_type.param)
        c, k = layout.coefficient, layout.constant
        flip = kind != "legal"
        sign, opposite = ("-", "") if flip else ("", "-")
        params = [f"u{p}" if kind == "bound" else "0" for p in range(num_params)]
        if source == target:
            cone = self._cone(dep.deltas(), str(dep) + " deltas")
            exprs = ["w" if kind == "bound" else "0", *params]
            exprs += [f"{sign}{c(source, d)}" for d in range(self.dims[source])]
        else:
            cone = self._cone(dep.wrap(), str(dep))
            shift = f"{k(source)} - {k(target)}" if flip else f"{k(target)} - {k(source)}"
            exprs = [f"w + {shift}" if kind == "bound" else shift, *params]
            exprs += [f"{opposite}{c(source, d)}" for d in range(self.dims[source])]
            exprs += [f"{sign}{c(target, d)}" for d in range(self.dims[target])]
        to_cone = isl.MultiAff.read_from_str(self.ctx, f"{{ {layout.tuple_text} -> [{', '.join(exprs)}] }}")
        return cone.preimage_multi_aff(to_cone)

    def _cone(self, points: isl.Set, key: str) -> isl.BasicSet:
        """Farkas coefficients of `points`: [c_cst, c_params, c_vars] valid on every point."""
        cached = self._coefficients.get(key)
        if cached is None:
            with operation_budget(self.ctx, self.options.max_operations):
                cached = integer_basic_set(points.coefficients().flatten().remove_redundancies())
            self._coefficients[key] = cached
        return cached

    def _solve(
        self, layout: _Layout, base: isl.BasicSet, fusing: bool, feasibility_only: bool = False
    ) -> list[int] | None:
        """The lexmin row, or None. When `fusing` separate components, distances are bounded.

        The row continuing the original loop order (each statement's next loop, no
        shift, no dependence distance) is tried first: when it is legal it is the
        lexmin, and checking one point is much cheaper than isl's integer lexmin,
        which takes seconds on some groups of ten statements.
        """
        constraints = [f"u{p} >= 0" for p in range(len(self.scop.params))] + ["w >= 0"]
        if fusing:
            constraints = [f"u{p} = 0" for p in range(len(self.scop.params))]
            constraints.append(f"0 <= w <= {self.options.max_fusion_distance}")
        coefficient_names: list[str] = []
        for name in layout.names:
            coefficients = [layout.coefficient(name, d) for d in range(self.dims[name])]
            coefficient_names += coefficients
            constraints += [f"0 <= {v} <= {self.options.max_coefficient}" for v in coefficients]
            constraints.append(f"0 <= {layout.constant(name)} <= {self._shift_bound(name)}")
            constraints += self._independence(name, coefficients)
        constraints.append(f"tot = {' + '.join(coefficient_names) or '0'}")
        box = isl.BasicSet.read_from_str(self.ctx, f"{{ {layout.tuple_text} : {' and '.join(constraints)} }}")
        self.ilps += 1
        with operation_budget(self.ctx, self.options.max_operations):
            problem = base.intersect(box)
            guess = self._original_order_row(layout)
            if guess is not None and not problem.intersect(guess[1]).is_empty():
                return guess[0]
            if problem.is_empty():
                return None
            if feasibility_only:
                return []
            return self._lexmin(layout, problem)

    def _lexmin(self, layout: _Layout, problem: isl.BasicSet) -> list[int]:
        """The lexicographically smallest point of a non-empty, non-negative problem.

        Variable by variable, the smallest feasible value is found by doubling
        and bisection on integer emptiness tests, then fixed. isl's own
        `lexmin` returns the same point but its dual simplex with cuts takes
        seconds on some of these problems (constant loop bounds make large
        Farkas coefficients); emptiness tests stay in milliseconds.
        """
        values: list[int] = []
        for position in range(len(layout.variables)):
            high = 1
            while self._bounded(problem, position, high).is_empty():
                high *= 2
            low = -1 if high == 1 else high // 2
            while high - low > 1:
                middle = (low + high) // 2
                if self._bounded(problem, position, middle).is_empty():
                    low = middle
                else:
                    high = middle
            values.append(high)
            problem = problem.fix_val(isl.dim_type.set, position, isl.Val.int_from_si(self.ctx, high))
        return values

    def _bounded(self, problem: isl.BasicSet, position: int, bound: int) -> isl.BasicSet:
        """`problem` with variable `position` at most `bound`."""
        constraint = isl.Constraint.inequality_alloc(problem.get_space())
        constraint = constraint.set_coefficient_val(isl.dim_type.set, position, isl.Val.int_from_si(self.ctx, -1))
        return problem.add_constraint(constraint.set_constant_val(isl.Val.int_from_si(self.ctx, bound)))

    def _original_order_row(self, layout: _Layout) -> tuple[list[int], isl.BasicSet] | None:
        """Each statement's first loop independent of its rows so far, as a point of the layout."""
        values = dict.fromkeys(layout.variables, 0)
        values["tot"] = len(layout.names)
        for name in layout.names:
            found = self.found[name]
            for d in range(self.dims[name]):
                unit = tuple(1 if k == d else 0 for k in range(self.dims[name]))
                if rank([*found, unit]) > len(found):
                    values[layout.coefficient(name, d)] = 1
                    break
            else:
                return None
        point = [values[v] for v in layout.variables]
        text = " and ".join(f"{v} = {x}" for v, x in zip(layout.variables, point, strict=True))
        return point, isl.BasicSet.read_from_str(self.ctx, f"{{ {layout.tuple_text} : {text} }}")

    def _shift_bound(self, name: str) -> int:
        if self.options.fuse == "nn" and name not in self.cyclic:
            return 0
        return self.options.max_shift

    def _independence(self, name: str, coefficients: list[str]) -> list[str]:
        """Pluto's constraints: a component in the orthogonal complement of earlier rows."""
        basis = null_space(self.found[name], self.dims[name])
        terms: list[str] = []
        constraints: list[str] = []
        for vector in basis:
            sign = -1 if next(v for v in vector if v != 0) < 0 else 1
            term = " + ".join(f"{sign * v}*{c}" for v, c in zip(vector, coefficients, strict=True) if v)
            constraints.append(f"{term} >= 0")
            terms.append(term)
        if terms:
            constraints.append(f"{' + '.join(terms)} >= 1")
        return constraints


def _tarjan(nodes: list[str], successors: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(successors[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            components.append(component)

    for node in nodes:
        if node not in index:
            visit(node)
    return components
