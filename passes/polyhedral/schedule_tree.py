"""A small schedule tree (bands, sequences, leaves) and its conversion to isl's.

    tree = Band([{"S0": Row((1, 0), 0), "S1": Row((1, 0, 0), 0)}], child=Sequence([...]))
    schedule = to_isl_schedule(tree, scop)          # an isl.Schedule over scop.domain()
    original_schedule_tree(scop)                    # the program's own loop structure

A band row gives, for each statement under it, an affine function of the
statement's indices, `c · x + c0`. Our Pluto scheduler builds these trees; the
tiling and code generation work on the isl schedule tree, which the isl
scheduler produces directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import islpy as isl

from nnopt.passes.polyhedral.scop import Scop


@dataclass(frozen=True)
class Row:
    """c · x + c0 for one statement."""

    coefficients: tuple[int, ...]
    constant: int

    def text(self, dim_names: list[str]) -> str:
        terms = [f"{c}*{name}" for c, name in zip(self.coefficients, dim_names, strict=True) if c]
        terms.append(str(self.constant))
        return " + ".join(terms)


@dataclass
class Leaf:
    pass


@dataclass
class Band:
    rows: list[dict[str, Row]]
    child: Node = field(default_factory=Leaf)
    permutable: bool = True
    coincident: list[bool] = field(default_factory=list)


@dataclass
class Sequence:
    children: list[tuple[list[str], Node]]
    """(statement names, subtree) in execution order."""


Node = Leaf | Band | Sequence


def rows_union_map(scop: Scop, rows: list[dict[str, Row]]) -> isl.UnionMap:
    """{ S[x] -> [row_1(x), ..., row_n(x)] } for a whole band."""
    names = list(rows[0])
    result = isl.UnionMap.empty(scop.context.get_space())
    for name in names:
        statement = scop.statement(name)
        exprs = ", ".join(f"({row[name].text(statement.dim_names)})" for row in rows)
        text = f"{_params(scop)}{{ {name}[{', '.join(statement.dim_names)}] -> [{exprs}] }}"
        piece = isl.Map.read_from_str(scop.ctx, text).intersect_domain(statement.domain)
        result = result.union(isl.UnionMap.from_map(piece))
    return result


def _params(scop: Scop) -> str:
    return "[" + ", ".join(scop.params.names) + "] -> " if len(scop.params) else ""


def _filter(scop: Scop, names: list[str]) -> isl.UnionSet:
    result = isl.UnionSet.empty(scop.context.get_space())
    for name in names:
        result = result.union(isl.UnionSet.from_set(scop.statement(name).domain))
    return result


def _partial_schedule(scop: Scop, rows: list[dict[str, Row]]) -> isl.MultiUnionPwAff:
    members: list[str] = []
    for row in rows:
        pieces = []
        for name, member in row.items():
            statement = scop.statement(name)
            pieces.append(f"{name}[{', '.join(statement.dim_names)}] -> [({member.text(statement.dim_names)})]")
        members.append("{ " + "; ".join(pieces) + " }")
    text = f"{_params(scop)}[{', '.join(members)}]"
    return isl.MultiUnionPwAff.read_from_str(scop.ctx, text)


def to_isl_schedule(tree: Node, scop: Scop) -> isl.Schedule:
    """The isl schedule tree of `tree` over the SCoP's domain."""
    schedule = isl.Schedule.from_domain(scop.domain())
    node = _graft(schedule.get_root().child(0), tree, scop)
    return node.get_schedule()


def _graft(node: isl.ScheduleNode, tree: Node, scop: Scop) -> isl.ScheduleNode:
    """Insert `tree` at the leaf `node`; returns a node at the same position."""
    if isinstance(tree, Band) and tree.rows:
        node = node.insert_partial_schedule(_partial_schedule(scop, tree.rows))
        node = node.band_set_permutable(1 if tree.permutable else 0)
        for k, coincident in enumerate(tree.coincident):
            node = node.band_member_set_coincident(k, 1 if coincident else 0)
        return _graft(node.child(0), tree.child, scop).parent()
    if isinstance(tree, Band):
        return _graft(node, tree.child, scop)
    if isinstance(tree, Sequence) and len(tree.children) > 1:
        filters = isl.UnionSetList.alloc(scop.ctx, len(tree.children))
        for names, _ in tree.children:
            filters = filters.add(_filter(scop, names))
        node = node.insert_sequence(filters)
        for k, (_, child) in enumerate(tree.children):
            node = _graft(node.child(k).child(0), child, scop).parent().parent()
        return node
    if isinstance(tree, Sequence) and tree.children:
        return _graft(node, tree.children[0][1], scop)
    return node


# -- the original loop structure ------------------------------------------------------------


def original_schedule_tree(scop: Scop) -> Node:
    """The program's own order: a sequence per block, a one-member band per loop.

    Statements are grouped by their original schedule prefixes `[c0, i0, c1, ...]`.
    """
    entries = []
    for statement in scop.statements:
        positions = _positions(statement.original_schedule)
        entries.append((statement.name, statement.depth, positions))
    return _original(entries, 0)


def _positions(schedule: isl.Map) -> list[int]:
    """The constant (even) dims of a 2d+1 schedule."""
    values: list[int] = []
    for k in range(0, schedule.dim(isl.dim_type.out), 2):
        fixed = schedule.range().plain_get_val_if_fixed(isl.dim_type.set, k)
        values.append(fixed.to_python() if fixed.is_int() else 0)
    return values


def _original(entries: list[tuple[str, int, list[int]]], depth: int) -> Node:
    groups: dict[int, list[tuple[str, int, list[int]]]] = {}
    for entry in entries:
        groups.setdefault(entry[2][depth], []).append(entry)
    children: list[tuple[list[str], Node]] = []
    for position in sorted(groups):
        members = groups[position]
        names = [m[0] for m in members]
        looped = [m for m in members if m[1] > depth]
        if not looped:
            children.append((names, Leaf()))
            continue
        rows = [{name: _unit_row(dims, depth) for name, dims, _ in members}]
        children.append((names, Band(rows, _original(members, depth + 1), permutable=False, coincident=[False])))
    if len(children) == 1:
        return children[0][1]
    return Sequence(children)


def _unit_row(dims: int, position: int) -> Row:
    return Row(tuple(1 if k == position else 0 for k in range(dims)), 0)
