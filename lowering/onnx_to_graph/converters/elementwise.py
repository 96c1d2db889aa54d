"""Elementwise ONNX ops -> graph elementwise ops.

    Add(a, b)              -> graph.add %a, %b               (numpy broadcasting)
    Max(a, b, c)           -> graph.max (graph.max %a, %b), %c
    Pow(x, int64 const 2)  -> graph.pow %x, (graph.constant dense<2.0>)
    Gelu(x) {approximate}  -> graph.gelu %x {approximate = "tanh"}
    Clip(x, min, max)      -> graph.clip %x {min = ..., max = ...}   (bounds must be static)
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import FloatAttr, StringAttr
from xdsl.ir import Attribute, SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.elementwise import GELU_APPROXIMATIONS
from nnopt.lowering.onnx_to_graph.node_context import NodeContext
from nnopt.lowering.onnx_to_graph.registry import converts

BINARY = {
    "Add": graph.AddOp,
    "Sub": graph.SubOp,
    "Mul": graph.MulOp,
    "Div": graph.DivOp,
}


@converts(*BINARY, versions=(7, 13, 14))
def _binary(ctx: NodeContext) -> Sequence[SSAValue | None]:
    op_type = BINARY[ctx.node.op_type]
    return [ctx.emit(op_type, [ctx.value(0, "A"), ctx.value(1, "B")])]


@converts("Pow", versions=(7, 12, 13, 15))
def _pow(ctx: NodeContext) -> Sequence[SSAValue | None]:
    base = ctx.value(0, "X")
    # The exponent may have an integer type (Pow-12 on); a static one is converted.
    exponent = ctx.value(1, "Y", ctx.element_type())
    return [ctx.emit(graph.PowOp, [base, exponent])]


VARIADIC = {"Max": graph.MaxOp, "Min": graph.MinOp}


@converts(*VARIADIC, versions=(8, 12, 13))
def _variadic(ctx: NodeContext) -> Sequence[SSAValue | None]:
    op_type = VARIADIC[ctx.node.op_type]
    operands = ctx.values("data")
    if not operands:
        raise ctx.error("needs at least one input")
    result = operands[0]
    for operand in operands[1:]:
        result = ctx.emit(op_type, [result, operand])
    return [result]


UNARY = {
    "Relu": graph.ReluOp,
    "Sigmoid": graph.SigmoidOp,
    "Tanh": graph.TanhOp,
    "Exp": graph.ExpOp,
    "Log": graph.LogOp,
    "Sqrt": graph.SqrtOp,
    "Erf": graph.ErfOp,
}


@converts(*UNARY, versions=(6, 9, 13, 14))
def _unary(ctx: NodeContext) -> Sequence[SSAValue | None]:
    return [ctx.emit(UNARY[ctx.node.op_type], [ctx.value(0, "X")])]


@converts("Gelu", versions=(20,), attributes=("approximate",))
def _gelu(ctx: NodeContext) -> Sequence[SSAValue | None]:
    approximate = ctx.str_attr("approximate", "none")
    if approximate not in GELU_APPROXIMATIONS:
        raise ctx.error(f"approximate must be 'none' or 'tanh', got '{approximate}'")
    return [ctx.emit(graph.GeluOp, [ctx.value(0, "X")], {"approximate": StringAttr(approximate)})]


@converts("Clip", versions=(11, 12, 13), static_inputs=(1, 2))
def _clip(ctx: NodeContext) -> Sequence[SSAValue | None]:
    x = ctx.value(0, "input")
    element = ctx.element_type()
    properties: dict[str, Attribute] = {}
    for index, name in ((1, "min"), (2, "max")):
        bound = ctx.static_scalar(index, name)
        if bound is not None:
            properties[name] = FloatAttr(bound, element)
    if not properties:
        return [x]
    return [ctx.emit(graph.ClipOp, [x], properties)]
