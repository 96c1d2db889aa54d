"""2-D convolutions: graph.conv2d on NCHW tensors (ONNX Conv), graph.conv2d_nchwc on blocked ones.

    %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
    %d = graph.conv2d_nchwc %xb, %wb, %bb {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>, tensor<2x16xf32>) -> tensor<1x2x8x8x16xf32>
"""

from __future__ import annotations

from xdsl.dialects.builtin import I64, AnyFloat, DenseArrayBase, IntegerAttr, TensorType, i64
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
    int_array,
    integer,
    ints,
    shape_of,
    syntax_with_optional_operand,
)
from nnopt.dialects.shapes import format_shape, window_output_shape


@irdl_op_definition
class Conv2dOp(GraphOp):
    """2-D convolution: NCHW input, FCHW weight, optional bias (ONNX Conv).

    The weight is F x C/group x KH x KW and the bias, when present, has F values.
    `pads` are [top, left, bottom, right] (ONNX order: begins, then ends);
    `group` splits channels into groups (depthwise: group == C == F).
    Defaults: strides = [1, 1], pads = [0, 0, 0, 0], dilations = [1, 1], group = 1.
    Output size per spatial dim: (in + pad_begin + pad_end - dilation * (k - 1) - 1) / stride + 1.

        %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
        %d = graph.conv2d %x, %k {group = 3 : i64} : (tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x6x6xf32>
    """

    name = "graph.conv2d"

    input = operand_def(TensorF)
    weight = operand_def(TensorF)
    bias = opt_operand_def(TensorF)
    result = result_def(TensorF)

    strides = prop_def(DenseArrayBase.constr(i64), default_value=int_array([1, 1]))
    pads = prop_def(DenseArrayBase.constr(i64), default_value=int_array([0, 0, 0, 0]))
    dilations = prop_def(DenseArrayBase.constr(i64), default_value=int_array([1, 1]))
    group = prop_def(IntegerAttr[I64], default_value=IntegerAttr(1, i64))

    irdl_options = (ParsePropInAttrDict(), AttrSizedOperandSegments(as_property=True))
    traits = traits_def(Pure())
    assembly_format = syntax_with_optional_operand(["input", "weight"], "bias")

    def infer_result_type(self) -> TensorType[AnyFloat]:
        x = shape_of(self.input, "input")
        w = shape_of(self.weight, "weight")
        if len(x) != 4 or len(w) != 4:
            raise VerifyException(
                f"conv2d takes a 4-D NCHW input and a 4-D FCHW weight, got "
                f"{format_shape(x)} and {format_shape(w)}"
            )
        group = integer(self.group)
        (n, c, *spatial), (f, c_per_group, *kernel) = x, w
        if group < 1 or c % group or f % group:
            raise VerifyException(
                f"group {group} must be >= 1 and divide both the input channels ({c}) "
                f"and the output channels ({f})"
            )
        if c_per_group * group != c:
            raise VerifyException(
                f"weight has {c_per_group} input channels, expected {c // group} "
                f"(input channels {c} / group {group})"
            )
        if self.bias is not None and shape_of(self.bias, "bias") != (f,):
            raise VerifyException(
                f"bias must have shape {f} (one value per output channel), "
                f"got {format_shape(shape_of(self.bias, 'bias'))}"
            )
        out = window_output_shape(
            spatial, kernel, ints(self.strides), ints(self.pads), ints(self.dilations)
        )
        return TensorType(self.element_type(), (n, f, *out))


@irdl_op_definition
class Conv2dNchwcOp(GraphOp):
    """2-D convolution on channel-blocked tensors (the NCHWc layout of graph.layout).

    The input is [N, C/c, H, W, c] ("NCHWc"), the weight [F/f, C/c, KH, KW, c, f]
    ("OIHWcifo"), the optional bias [F/f, f] and the result [N, F/f, OH, OW, f]:
    graph.conv2d with group = 1 on the same values in blocked layouts. `strides`,
    `pads` and `dilations` are those of graph.conv2d.

        %y = graph.conv2d_nchwc %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>, tensor<2x16xf32>) -> tensor<1x2x8x8x16xf32>
    """

    name = "graph.conv2d_nchwc"

    input = operand_def(TensorF)
    weight = operand_def(TensorF)
    bias = opt_operand_def(TensorF)
    result = result_def(TensorF)

    strides = prop_def(DenseArrayBase.constr(i64), default_value=int_array([1, 1]))
    pads = prop_def(DenseArrayBase.constr(i64), default_value=int_array([0, 0, 0, 0]))
    dilations = prop_def(DenseArrayBase.constr(i64), default_value=int_array([1, 1]))

    irdl_options = (ParsePropInAttrDict(), AttrSizedOperandSegments(as_property=True))
    traits = traits_def(Pure())
    assembly_format = syntax_with_optional_operand(["input", "weight"], "bias")

    def infer_result_type(self) -> TensorType[AnyFloat]:
        x = shape_of(self.input, "input")
        w = shape_of(self.weight, "weight")
        if len(x) != 5 or len(w) != 6:
            raise VerifyException(
                f"conv2d_nchwc takes a 5-D [N, C/c, H, W, c] input and a 6-D "
                f"[F/f, C/c, KH, KW, c, f] weight, got {format_shape(x)} and {format_shape(w)}"
            )
        (n, c_blocks, *spatial, c_block), (f_blocks, w_c_blocks, *kernel, w_c_block, f_block) = x, w
        if (w_c_blocks, w_c_block) != (c_blocks, c_block):
            raise VerifyException(
                f"weight input channels {w_c_blocks}x{w_c_block} differ from the input's "
                f"{c_blocks}x{c_block}"
            )
        if self.bias is not None and shape_of(self.bias, "bias") != (f_blocks, f_block):
            raise VerifyException(
                f"bias must have shape {f_blocks}x{f_block} (the blocked output channels), "
                f"got {format_shape(shape_of(self.bias, 'bias'))}"
            )
        out = window_output_shape(
            spatial, kernel, ints(self.strides), ints(self.pads), ints(self.dilations)
        )
        return TensorType(self.element_type(), (n, f_blocks, *out, f_block))
