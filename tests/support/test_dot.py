"""The DOT writer and the polyhedral views' helpers, on hand-built graphs."""

from __future__ import annotations

import re

from nnopt.support.dot import DotGraph, combine, quote
from nnopt.support.schedule_dot import (
    Dependence,
    ScheduleNode,
    dependence_graph,
    schedule_tree_graph,
)


def test_quote_escapes_quotes_backslashes_and_newlines() -> None:
    assert quote('a "b"\\c\nd') == '"a \\"b\\"\\\\c\\nd"'


def test_graph_renders_nodes_edges_and_clusters() -> None:
    graph = DotGraph("g", {"rankdir": "LR"})
    graph.node("a", "first")
    inner = graph.cluster("c", "inner")
    inner.node("b", "second", shape="ellipse")
    graph.edge("a", "b", "a->b")
    text = graph.render()
    assert text.splitlines() == [
        'digraph "g" {',
        '  rankdir="LR";',
        '  node [shape="box", fontname="monospace"];',
        '  subgraph "cluster_c" {',
        '    label="inner";',
        '    "b" [label="second", shape="ellipse"];',
        "  }",
        '  "a" [label="first"];',
        '  "a" -> "b" [label="a->b"];',
        "}",
    ]


def test_combine_prefixes_node_ids_of_each_graph() -> None:
    one, two = DotGraph("one"), DotGraph("two")
    for graph in (one, two):
        graph.node("x", "x")
        graph.node("y", "y")
        graph.edge("x", "y")
    combined = combine("both", [one, two])
    assert combined.node_ids() == ["0.x", "0.y", "1.x", "1.y"]
    assert [(a, b) for a, b, _ in combined.all_edges()] == [("0.x", "0.y"), ("1.x", "1.y")]
    assert combine("single", [one]) is one


def test_dependence_graph_of_a_hand_built_scop() -> None:
    statements = {"S_init": "{ S_init[i, j] : 0 <= i < 4 and 0 <= j < 16 }", "S_mac": "{ S_mac[i, j, k] : ... }"}
    dependences = [
        Dependence("S_init", "S_mac", "RAW", "{ S_init[i, j] -> S_mac[i, j, 0] }"),
        Dependence("S_mac", "S_mac", "RED", "(0, 0, 1)"),
        Dependence("S_mac", "S_init", "WAR"),
    ]
    text = dependence_graph(statements, dependences).render()
    assert '"S_init" [label="S_init\\n{ S_init[i, j] : 0 <= i < 4 and 0 <= j < 16 }"];' in text
    assert '"S_init" -> "S_mac" [label="RAW\\n{ S_init[i, j] -> S_mac[i, j, 0] }", style="solid"];' in text
    assert '"S_mac" -> "S_mac" [label="RED\\n(0, 0, 1)", style="bold"];' in text
    assert '"S_mac" -> "S_init" [label="WAR", style="dashed"];' in text


def test_schedule_tree_of_a_hand_built_schedule() -> None:
    tree = ScheduleNode(
        "domain",
        "{ S0[i, j]; S1[i, j, k] }",
        (
            ScheduleNode(
                "band",
                "[{ S0[i, j] -> [i]; S1[i, j, k] -> [i] }, { S0[i, j] -> [j]; S1[i, j, k] -> [j] }]",
                (
                    ScheduleNode(
                        "sequence",
                        children=(
                            ScheduleNode("filter", "{ S0[i, j] }"),
                            ScheduleNode("filter", "{ S1[i, j, k] }", (ScheduleNode("mark", "simd"),)),
                        ),
                    ),
                ),
                permutable=True,
                coincident=(True, True),
            ),
        ),
    )
    text = schedule_tree_graph(tree).render()
    nodes = dict(re.findall(r'^  "(n\d+)" \[label="((?:[^"\\]|\\.)*)"', text, re.MULTILINE))
    assert nodes["n0"] == "domain\\n{ S0[i, j]; S1[i, j, k] }"
    assert nodes["n1"].startswith("band\\n[{ S0[i, j] -> [i]")
    assert nodes["n1"].endswith("\\npermutable coincident=[1,1]")
    assert nodes["n2"] == "sequence"
    assert nodes["n5"] == "mark\\nsimd"
    edges = re.findall(r'^  "(n\d+)" -> "(n\d+)"(?: \[label="(\d+)"\])?;$', text, re.MULTILINE)
    assert edges == [("n0", "n1", ""), ("n1", "n2", ""), ("n2", "n3", "0"), ("n2", "n4", "1"), ("n4", "n5", "")]
