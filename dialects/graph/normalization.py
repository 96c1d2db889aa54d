"""Normalizations: graph.softmax, graph.layer_norm, graph.batch_norm (ONNX semantics).

    %p = graph.softmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %y = graph.layer_norm %x, %g, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %z = graph.batch_norm %x, %s, %b, %m, %v : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
"""

from __future__ import annotations

from xdsl.dialects.builtin import I64, AnyFloat, FloatAttr, IntegerAttr, TensorType, f32, i64
from xdsl.irdl import (
    AttrSizedOperandSegments,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import (
    GraphOp,
    TensorF,
    integer,
    shape_of,
    static_float_tensor,
    syntax_with_optional_operand,
)
from nnopt.dialects.shapes import check_broadcastable_to, format_shape, normalize_axis

EPSILON_DEFAULT = FloatAttr(1e-5, f32)


@irdl_op_definition
class SoftmaxOp(GraphOp):
    """exp(x) / sum(exp(x)) along `axis` (default -1), computed stably (ONNX Softmax).

    The maximum along the axis is subtracted before exponentiating, so large
    inputs do not overflow.

        %p = graph.softmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    """

    name = "graph.softmax"

    input = operand_def(TensorF)
    result = result_def(TensorF)
    axis = prop_def(IntegerAttr[I64], default_value=IntegerAttr(-1, i64))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def normalized_axis(self) -> int:
        return normalize_axis(integer(self.axis), len(shape_of(self.input, "input")))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        if not shape_of(self.input, "input"):
            raise VerifyException("softmax needs an input of rank >= 1")
        self.normalized_axis()
        return static_float_tensor(self.input, "input")


@irdl_op_definition
class LayerNormOp(GraphOp):
    """Normalize over the dims from `axis` on, then scale and shift (ONNX LayerNormalization).

    y = (x - mean) / sqrt(var + epsilon) * scale + bias, where the mean and the
    (biased) variance run over dims axis..rank-1; the variance is taken of the
    centered values. `scale` and the optional `bias` broadcast to those dims.
    Defaults: axis = -1, epsilon = 1e-5.

        %y = graph.layer_norm %x, %g, %b {epsilon = 1.0e-06 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
        %y = graph.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
    """

    name = "graph.layer_norm"

    input = operand_def(TensorF)
    scale = operand_def(TensorF)
    bias = opt_operand_def(TensorF)
    result = result_def(TensorF)

    axis = prop_def(IntegerAttr[I64], default_value=IntegerAttr(-1, i64))
    epsilon = prop_def(FloatAttr, default_value=EPSILON_DEFAULT)

    irdl_options = (ParsePropInAttrDict(), AttrSizedOperandSegments(as_property=True))
    traits = traits_def(Pure())
    assembly_format = syntax_with_optional_operand(["input", "scale"], "bias")

    def normalized_axis(self) -> int:
        return normalize_axis(integer(self.axis), len(shape_of(self.input, "input")))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        if not shape:
            raise VerifyException("layer_norm needs an input of rank >= 1")
        normalized = shape[self.normalized_axis() :]
        check_broadcastable_to(shape_of(self.scale, "scale"), normalized, "scale")
        if self.bias is not None:
            check_broadcastable_to(shape_of(self.bias, "bias"), normalized, "bias")
        return static_float_tensor(self.input, "input")


@irdl_op_definition
class BatchNormOp(GraphOp):
    """Inference batch normalization over channel dim 1 (ONNX BatchNormalization).

    y = (x - mean) / sqrt(var + epsilon) * scale + bias, with scale, bias, mean and
    var holding one value per channel. Default epsilon = 1e-5.

        %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-03 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
    """

    name = "graph.batch_norm"

    input = operand_def(TensorF)
    scale = operand_def(TensorF)
    bias = operand_def(TensorF)
    mean = operand_def(TensorF)
    var = operand_def(TensorF)
    result = result_def(TensorF)

    epsilon = prop_def(FloatAttr, default_value=EPSILON_DEFAULT)

    traits = traits_def(Pure())
    assembly_format = (
        "$input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` "
        "functional-type(operands, results)"
    )

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        if len(shape) < 2:
            raise VerifyException(
                f"batch_norm needs an N x C x ... input (rank >= 2), got {format_shape(shape)}"
            )
        channels = shape[1]
        for name in ("scale", "bias", "mean", "var"):
            param = shape_of(getattr(self, name), name)
            if param != (channels,):
                raise VerifyException(
                    f"{name} must have shape {channels} (one value per channel), "
                    f"got {format_shape(param)}"
                )
        return static_float_tensor(self.input, "input")
