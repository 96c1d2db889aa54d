"""The polyhedral views of `nn-opt --emit=dot`: dependence graphs and schedule trees.

    nn-opt model.mlir -p lower-to-affine --emit=dot{view=dependences}
    nn-opt model.mlir -p lower-to-affine --emit=dot{view=schedule}

Both work on a function at the affine level, one picture per SCoP (a cluster
each when a function has several), with poly-schedule's default options:

* `dependences`: the statements with their iteration domains; the exact RAW,
  WAR and WAW dependences between them, labelled with the relation; a
  reduction that poly-schedule may reassociate is one bold RED self-edge
  (`reduction over k into C, relaxed`) instead of its exact self-dependences.
* `schedule`: the isl schedule tree poly-schedule would generate code from
  (after fusion, tiling, isolation and SIMD marks): bands with their partial
  schedule and permutable/coincident flags, sequences, filters and marks.

For example, a matmul with its zero fill gives the dependence graph

    S0 { S0[i, j] : 0 <= i <= 63 and 0 <= j <= 63 }  --RAW, WAW-->  S1 { S1[i, j, k] : ... }
    S1 --RED "reduction over k into C, relaxed"--> S1

The conversion from isl objects to the plain records of
`nnopt.support.schedule_dot` happens here, so islpy stays in this package.
"""

from __future__ import annotations

from collections.abc import Callable

import islpy as isl
from xdsl.dialects import func

from nnopt.passes.poly_schedule import PolySchedule, ScheduledScop
from nnopt.passes.polyhedral.dependences import Dependences
from nnopt.passes.polyhedral.extraction import scop_regions
from nnopt.passes.polyhedral.isl_support import isl_errors, new_isl_context
from nnopt.passes.polyhedral.scop import Scop
from nnopt.support.diagnostics import CompileError
from nnopt.support.dot import DotGraph, combine
from nnopt.support.dot_views import register_dot_view
from nnopt.support.schedule_dot import (
    Dependence,
    ScheduleNode,
    dependence_graph,
    schedule_tree_graph,
)

_NODE_KINDS: dict[object, str] = {
    isl.schedule_node_type.band: "band",
    isl.schedule_node_type.context: "context",
    isl.schedule_node_type.domain: "domain",
    isl.schedule_node_type.expansion: "expansion",
    isl.schedule_node_type.extension: "extension",
    isl.schedule_node_type.filter: "filter",
    isl.schedule_node_type.guard: "guard",
    isl.schedule_node_type.leaf: "leaf",
    isl.schedule_node_type.mark: "mark",
    isl.schedule_node_type.sequence: "sequence",
    isl.schedule_node_type.set: "set",
}


def _planned_scops(function: func.FuncOp, view: str) -> list[ScheduledScop]:
    regions = scop_regions(function.body.block)
    if not regions:
        raise CompileError(
            f"the '{view}' view needs affine loop nests; @{function.sym_name.data} has none "
            "(lower it first, e.g. -p lower-to-affine)",
            function,
        )
    scheduler, ctx = PolySchedule(), new_isl_context()
    planned = [scheduler.plan(ctx, region) for region in regions]
    return [p for p in planned if p is not None]


def _per_scop(
    function: func.FuncOp, view: str, draw: Callable[[ScheduledScop], DotGraph]
) -> DotGraph:
    graphs = []
    for index, planned in enumerate(_planned_scops(function, view)):
        with isl_errors(planned.scop.anchor, f"drawing the {view} view"):
            graph = draw(planned)
        graph.name = f"{function.sym_name.data}.scop{index}"
        graph.attributes["label"] = f"@{function.sym_name.data}: {view} of SCoP {index}"
        graphs.append(graph)
    return combine(function.sym_name.data, graphs) if graphs else DotGraph(function.sym_name.data)


def _pieces(relation: isl.UnionMap) -> list[isl.Map]:
    pieces: list[isl.Map] = []

    def add(piece: isl.Map) -> None:
        if not piece.is_empty():
            pieces.append(piece)

    relation.foreach_map(add)
    return pieces


def dependence_records(scop: Scop, deps: Dependences) -> list[Dependence]:
    """The exact dependences as records; relaxed reductions as one RED self-edge each."""
    relaxed = {r.statement: r for r in deps.relaxed()}
    records = []
    for kind, relation in (("RAW", deps.raw), ("WAR", deps.war), ("WAW", deps.waw)):
        for piece in _pieces(relation.coalesce()):
            source = piece.get_tuple_name(isl.dim_type.in_)
            sink = piece.get_tuple_name(isl.dim_type.out)
            if source == sink and source in relaxed:
                continue
            records.append(Dependence(source, sink, kind, str(piece)))
    for name, reduction in relaxed.items():
        statement = scop.statement(name)
        dims = ", ".join(statement.dim_names[d] for d in reduction.dims)
        records.append(
            Dependence(name, name, "RED", f"reduction over {dims} into {reduction.array}, relaxed")
        )
    return records


def schedule_records(node: isl.ScheduleNode) -> ScheduleNode:
    """An isl schedule (sub)tree as plain records; leaves are left out."""
    kind = node.get_type()
    children = tuple(
        schedule_records(child)
        for child in (node.child(k) for k in range(node.n_children()))
        if child.get_type() != isl.schedule_node_type.leaf
    )
    name = _NODE_KINDS.get(kind, str(kind))
    if kind == isl.schedule_node_type.band:
        coincident = tuple(
            bool(node.band_member_get_coincident(k)) for k in range(node.band_n_member())
        )
        return ScheduleNode(
            name,
            str(node.band_get_partial_schedule()),
            children,
            permutable=bool(node.band_get_permutable()),
            coincident=coincident,
        )
    return ScheduleNode(name, _node_label(node, kind), children)


def _node_label(node: isl.ScheduleNode, kind: int) -> str:
    """The set, relation or name a non-band node carries ("" for sequence and set)."""
    if kind == isl.schedule_node_type.domain:
        return str(node.domain_get_domain())
    if kind == isl.schedule_node_type.filter:
        return str(node.filter_get_filter())
    if kind == isl.schedule_node_type.mark:
        return str(node.mark_get_id().get_name())
    if kind == isl.schedule_node_type.context:
        return str(node.context_get_context())
    if kind == isl.schedule_node_type.guard:
        return str(node.guard_get_guard())
    return ""


@register_dot_view("dependences")
def dependences_view(function: func.FuncOp) -> DotGraph:
    """Each SCoP's statements and dependences (RAW solid, WAR dashed, WAW dotted, RED bold)."""

    def draw(planned: ScheduledScop) -> DotGraph:
        statements = {s.name: str(s.domain) for s in planned.scop.statements}
        return dependence_graph(statements, dependence_records(planned.scop, planned.deps))

    return _per_scop(function, "dependences", draw)


@register_dot_view("schedule")
def schedule_view(function: func.FuncOp) -> DotGraph:
    """Each SCoP's schedule tree as poly-schedule (default options) would generate it."""
    return _per_scop(
        function,
        "schedule",
        lambda planned: schedule_tree_graph(schedule_records(planned.schedule.get_root())),
    )


__all__ = ["dependence_records", "dependences_view", "schedule_records", "schedule_view"]
