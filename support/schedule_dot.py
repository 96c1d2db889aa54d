"""Graphviz pictures of the polyhedral view of a function: the dependence graph of
a SCoP and its schedule tree, from plain data (no islpy here).

The polyhedral passes (`passes/polyhedral/`) own the SCoP, the dependences and
the isl schedule; to draw them they convert to these small records and register
views for `nn-opt --emit=dot{view=...}` (see `nnopt.support.dot_views`):

    deps = [Dependence("S0", "S1", "RAW", "{ S0[i, j] -> S1[i, j] }")]
    dependence_graph({"S0": "{ S0[i, j] : 0 <= i < 4 ... }", "S1": ...}, deps).render()

    tree = ScheduleNode("domain", "{ S0[i, j]; S1[i, j] }", (
        ScheduleNode("band", "[{ S0[i, j] -> [i]; S1[i, j] -> [i] }]", (...), permutable=True),
    ))
    schedule_tree_graph(tree).render()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nnopt.support.dot import DotGraph


@dataclass(frozen=True)
class Dependence:
    """`sink` depends on `source`: kind RAW, WAR, WAW (or RED for a reduction)."""

    source: str
    sink: str
    kind: str
    relation: str = ""
    """The dependence relation or distance, as text (e.g. isl's)."""


@dataclass(frozen=True)
class ScheduleNode:
    """One node of a schedule tree: domain, band, sequence, set, filter, mark, ..."""

    kind: str
    label: str = ""
    children: tuple[ScheduleNode, ...] = ()
    permutable: bool = False
    """For bands: whether the band's members may be permuted (and tiled)."""
    coincident: tuple[bool, ...] = field(default_factory=tuple)
    """For bands: which members carry no dependence (parallel)."""


_KIND_STYLE = {"RAW": "solid", "WAR": "dashed", "WAW": "dotted", "RED": "bold"}


def dependence_graph(statements: Mapping[str, str], dependences: Sequence[Dependence]) -> DotGraph:
    """Statements (name -> iteration domain text) as nodes, dependences as edges."""
    graph = DotGraph("dependences", {"label": "dependence graph"})
    for name, domain in statements.items():
        graph.node(name, f"{name}\n{domain}" if domain else name)
    for dependence in dependences:
        label = dependence.kind + (f"\n{dependence.relation}" if dependence.relation else "")
        style = _KIND_STYLE.get(dependence.kind, "solid")
        graph.edge(dependence.source, dependence.sink, label, style=style)
    return graph


def _band_label(node: ScheduleNode) -> str:
    flags = []
    if node.permutable:
        flags.append("permutable")
    if node.coincident:
        flags.append("coincident=[" + ",".join("1" if c else "0" for c in node.coincident) + "]")
    return " ".join(flags)


def schedule_tree_graph(root: ScheduleNode) -> DotGraph:
    """The tree drawn top-down: one node per schedule node, kind first."""
    graph = DotGraph("schedule", {"label": "schedule tree"})

    def add(node: ScheduleNode, parent: str | None, edge_label: str) -> None:
        node_id = f"n{len(graph.nodes)}"
        details = [node.label] if node.label else []
        if node.kind == "band" and _band_label(node):
            details.append(_band_label(node))
        shape = {"shape": "ellipse"} if node.kind in ("sequence", "set") else {}
        graph.node(node_id, "\n".join([node.kind, *details]), **shape)
        if parent is not None:
            graph.edge(parent, node_id, edge_label)
        ordered = node.kind in ("sequence", "set")
        for index, child in enumerate(node.children):
            add(child, node_id, str(index) if ordered else "")

    add(root, None, "")
    return graph


__all__ = ["Dependence", "ScheduleNode", "dependence_graph", "schedule_tree_graph"]
