"""Reductions over axes: graph.reduce_sum, graph.reduce_mean, graph.reduce_max (ONNX Reduce*).

    %s = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
    %m = graph.reduce_max %x {axes = array<i64: -1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xf32>
"""

from __future__ import annotations

from abc import ABC

from xdsl.dialects.builtin import AnyFloat, BoolAttr, DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure

from nnopt.dialects.graph.base import GraphOp, TensorF, flag, ints, shape_of
from nnopt.dialects.shapes import normalize_axes, reduced_shape


class ReduceOp(GraphOp, ABC):
    """Base of reductions: `axes` (absent or empty: all axes), `keepdims` (default true)."""

    input = operand_def(TensorF)
    result = result_def(TensorF)

    axes = opt_prop_def(DenseArrayBase.constr(i64))
    keepdims = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(True))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def reduced_axes(self) -> tuple[int, ...]:
        """The reduced axes as sorted positive indices."""
        rank = len(shape_of(self.input, "input"))
        axes = ints(self.axes)
        return normalize_axes(axes, rank) if axes else tuple(range(rank))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        out = reduced_shape(shape, self.reduced_axes(), flag(self.keepdims))
        return TensorType(self.element_type(), out)


@irdl_op_definition
class ReduceSumOp(ReduceOp):
    """Sum over `axes` (ONNX ReduceSum).

        %s = graph.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
    """

    name = "graph.reduce_sum"


@irdl_op_definition
class ReduceMeanOp(ReduceOp):
    """Mean over `axes` (ONNX ReduceMean).

        %m = graph.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
    """

    name = "graph.reduce_mean"


@irdl_op_definition
class ReduceMaxOp(ReduceOp):
    """Maximum over `axes`; NaN propagates, as in numpy.max (ONNX ReduceMax).

        %m = graph.reduce_max %x : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
    """

    name = "graph.reduce_max"
