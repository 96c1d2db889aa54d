"""Graphviz views of a function, by name: what `nn-opt --emit=dot{view=NAME}` draws.

    nn-opt model.mlir --emit=dot                      # view=dataflow (the default)
    nn-opt model.mlir --emit=dot --emit-function=mlp
    nn-opt model.mlir -p lower-to-affine --emit=dot{view=dependences}

`dataflow` draws the ops of a function body as nodes and the values between
them as edges labelled with their types (`4x8xf32`); arguments and results are
the graph's inputs and outputs. It is meant for the graph level but works at
every level (nested regions are drawn as part of their op).

Other views register here with `register_dot_view`: the polyhedral passes'
`dependences` and `schedule` (`passes/polyhedral/views.py`, drawn with
`nnopt.support.schedule_dot`), and any plugin's:

    @register_dot_view("statements")
    def statements(function: func.FuncOp) -> DotGraph:
        ...
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType, TensorType, VectorType
from xdsl.ir import Attribute, Operation, SSAValue

from nnopt.support.diagnostics import CompileError
from nnopt.support.dot import DotGraph

DotView = Callable[[func.FuncOp], DotGraph]

DOT_VIEWS: dict[str, DotView] = {}


def register_dot_view(name: str) -> Callable[[DotView], DotView]:
    """Register the decorated function as the view `name` of `--emit=dot`."""

    def register(view: DotView) -> DotView:
        DOT_VIEWS[name] = view
        return view

    return register


def type_label(type_: Attribute) -> str:
    """tensor<4x8xf32> -> 4x8xf32; memref<4xf32> -> memref 4xf32; f32 -> f32."""
    if isinstance(type_, TensorType | VectorType | MemRefType):
        shape = "x".join("?" if d < 0 else str(d) for d in type_.get_shape())
        text = f"{shape}x{type_.element_type}" if shape else str(type_.element_type)
        if isinstance(type_, MemRefType):
            return f"memref {text}"
        if isinstance(type_, VectorType):
            return f"vector {text}"
        return text
    return str(type_)


def _value_name(value: SSAValue, fallback: str) -> str:
    return f"%{value.name_hint}" if value.name_hint else fallback


def _op_label(op: Operation, index: int) -> str:
    results = ", ".join(_value_name(r, f"%{index}.{i}") for i, r in enumerate(op.results))
    label = f"{results} = {op.name}" if results else op.name
    nested = sum(1 for _ in op.walk()) - 1
    if nested:
        label += f"\n({nested} nested ops)"
    return label


@register_dot_view("dataflow")
def dataflow_graph(function: func.FuncOp) -> DotGraph:
    """Ops as nodes, SSA values as edges with their types."""
    name = function.sym_name.data
    graph = DotGraph(name, {"label": f"@{name}", "rankdir": "TB"})
    source: dict[SSAValue, str] = {}
    for i, arg in enumerate(function.body.block.args):
        node = graph.node(f"arg{i}", f"{_value_name(arg, f'%arg{i}')}\n{type_label(arg.type)}", shape="ellipse")
        source[arg] = node
    for index, op in enumerate(function.body.block.ops):
        if isinstance(op, func.ReturnOp):
            for j, value in enumerate(op.operands):
                out = graph.node(f"result{j}", f"result #{j}\n{type_label(value.type)}", shape="ellipse")
                if value in source:
                    graph.edge(source[value], out, type_label(value.type))
            continue
        node = graph.node(f"op{index}", _op_label(op, index))
        for operand in op.operands:
            if operand in source:
                graph.edge(source[operand], node, type_label(operand.type))
        for result in op.results:
            source[result] = node
    return graph


def function_view(view: str, function: func.FuncOp) -> DotGraph:
    """The graph of `function` under the registered view `view`."""
    if view not in DOT_VIEWS:
        raise CompileError(f"unknown dot view '{view}' (registered: {', '.join(sorted(DOT_VIEWS))})")
    return DOT_VIEWS[view](function)


__all__ = ["DOT_VIEWS", "DotView", "dataflow_graph", "function_view", "register_dot_view", "type_label"]
