"""A small writer of Graphviz DOT text: nodes, edges, clusters, escaped labels.

    graph = DotGraph("mlp")
    graph.node("x", "%x\\ntensor<4x8xf32>", shape="ellipse")
    graph.node("mm", "graph.matmul")
    graph.edge("x", "mm", label="4x8xf32")
    print(graph.render())        # digraph "mlp" { ... }  ->  dot -Tsvg

Every view nn-opt draws (`nn-opt --emit=dot`: the data flow of a function, a
SCoP's dependence graph, a schedule tree) is built with this class.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def quote(text: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines as \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attributes(attributes: dict[str, str]) -> str:
    if not attributes:
        return ""
    return " [" + ", ".join(f"{key}={quote(value)}" for key, value in attributes.items()) + "]"


@dataclass
class DotGraph:
    """A directed graph, optionally with clusters (subgraphs drawn as boxes)."""

    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    node_defaults: dict[str, str] = field(default_factory=lambda: {"shape": "box", "fontname": "monospace"})
    nodes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: list[DotGraph] = field(default_factory=list)

    def node(self, node_id: str, label: str, **attributes: str) -> str:
        self.nodes.append((node_id, {"label": label, **attributes}))
        return node_id

    def edge(self, source: str, target: str, label: str = "", **attributes: str) -> None:
        attrs = {"label": label, **attributes} if label else dict(attributes)
        self.edges.append((source, target, attrs))

    def cluster(self, name: str, label: str) -> DotGraph:
        """A cluster inside this graph; its nodes may be joined to any other node."""
        sub = DotGraph(name, {"label": label}, node_defaults={})
        self.clusters.append(sub)
        return sub

    def node_ids(self) -> list[str]:
        return [n for n, _ in self.nodes] + [n for c in self.clusters for n in c.node_ids()]

    def all_edges(self) -> list[tuple[str, str, dict[str, str]]]:
        return self.edges + [e for c in self.clusters for e in c.all_edges()]

    def _body(self, indent: str) -> list[str]:
        lines = [f"{indent}{key}={quote(value)};" for key, value in self.attributes.items()]
        if self.node_defaults:
            lines.append(f"{indent}node{_attributes(self.node_defaults)};")
        for cluster in self.clusters:
            lines.append(f"{indent}subgraph {quote('cluster_' + cluster.name)} {{")
            lines.extend(cluster._body(indent + "  "))
            lines.append(f"{indent}}}")
        lines.extend(f"{indent}{quote(node_id)}{_attributes(attrs)};" for node_id, attrs in self.nodes)
        lines.extend(f"{indent}{quote(a)} -> {quote(b)}{_attributes(attrs)};" for a, b, attrs in self.edges)
        return lines

    def renamed(self, prefix: str) -> DotGraph:
        """A copy whose node ids start with `prefix` (to combine several graphs)."""
        copy = DotGraph(self.name, dict(self.attributes), dict(self.node_defaults))
        copy.nodes = [(prefix + n, dict(a)) for n, a in self.nodes]
        copy.edges = [(prefix + a, prefix + b, dict(attrs)) for a, b, attrs in self.edges]
        copy.clusters = [c.renamed(prefix) for c in self.clusters]
        return copy

    def render(self) -> str:
        return "\n".join([f"digraph {quote(self.name)} {{", *self._body("  "), "}"]) + "\n"


def combine(name: str, graphs: list[DotGraph]) -> DotGraph:
    """One graph: a single graph as it is, several as one cluster each."""
    if len(graphs) == 1:
        return graphs[0]
    combined = DotGraph(name)
    for index, graph in enumerate(graphs):
        cluster = graph.renamed(f"{index}.")
        cluster.node_defaults = {}
        cluster.attributes.setdefault("label", graph.name)
        combined.clusters.append(cluster)
    return combined


__all__ = ["DotGraph", "combine", "quote"]
