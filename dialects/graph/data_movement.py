"""Ops that move data without arithmetic: transpose, reshape, flatten, concat, pad.

    %t = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    %r = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
    %f = graph.flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
    %c = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    %p = graph.pad %x {pads = array<i64: 0, 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import (
    I64,
    AnyFloat,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import GraphOp, TensorF, integer, ints, shape_of, static_float_tensor
from nnopt.dialects.shapes import (
    check_permutation,
    concat_shape,
    flatten_shape,
    format_shape,
    normalize_axis,
    pad_shape,
)


@irdl_op_definition
class TransposeOp(GraphOp):
    """Permute the dims: result dim i is input dim perm[i]; default: reverse (ONNX Transpose).

        %t = graph.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
        %t = graph.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
    """

    name = "graph.transpose"

    input = operand_def(TensorF)
    result = result_def(TensorF)
    perm = opt_prop_def(DenseArrayBase.constr(i64))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def permutation(self) -> tuple[int, ...]:
        rank = len(shape_of(self.input, "input"))
        return ints(self.perm, tuple(reversed(range(rank))))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        perm = self.permutation()
        check_permutation(perm, len(shape))
        return TensorType(self.element_type(), tuple(shape[p] for p in perm))


@irdl_op_definition
class ReshapeOp(GraphOp):
    """The same elements in row-major order, in the shape of the result type (ONNX Reshape).

    The target shape is static: it is the result type.

        %r = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
    """

    name = "graph.reshape"

    input = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_result_type(self) -> TensorType[AnyFloat]:
        source = shape_of(self.input, "input")
        target = static_float_tensor(self.result, "result")
        if math.prod(source) != math.prod(target.get_shape()):
            raise VerifyException(
                f"cannot reshape {format_shape(source)} ({math.prod(source)} elements) into "
                f"{format_shape(target.get_shape())} ({math.prod(target.get_shape())} elements)"
            )
        return TensorType(self.element_type(), target.get_shape())


@irdl_op_definition
class FlattenOp(GraphOp):
    """A matrix: dims before `axis` (default 1) become rows, the rest columns (ONNX Flatten).

        %f = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
    """

    name = "graph.flatten"

    input = operand_def(TensorF)
    result = result_def(TensorF)
    axis = prop_def(IntegerAttr[I64], default_value=IntegerAttr(1, i64))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        axis = normalize_axis(integer(self.axis), len(shape), allow_end=True)
        return TensorType(self.element_type(), flatten_shape(shape, axis))


@irdl_op_definition
class ConcatOp(GraphOp):
    """Join tensors along `axis`; all other dims must agree (ONNX Concat).

        %c = graph.concat %a, %b, %c {axis = 0 : i64} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<6x4xf32>
    """

    name = "graph.concat"

    inputs = var_operand_def(TensorF)
    result = result_def(TensorF)
    axis = prop_def(IntegerAttr[I64])

    traits = traits_def(Pure())
    assembly_format = "$inputs attr-dict `:` functional-type(operands, results)"

    def normalized_axis(self) -> int:
        return normalize_axis(integer(self.axis), len(shape_of(self.inputs[0], "operand #0")))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        if not self.inputs:
            raise VerifyException("concat needs at least one operand")
        shapes = [shape_of(v, f"operand #{i}") for i, v in enumerate(self.inputs)]
        if not shapes[0]:
            raise VerifyException("concat operands must have rank >= 1")
        return TensorType(self.element_type(), concat_shape(shapes, self.normalized_axis()))


@irdl_op_definition
class PadOp(GraphOp):
    """Constant padding (ONNX Pad, mode "constant"); negative pads crop.

    `pads` holds the begin pads of every dim, then the end pads
    ([x1_begin, x2_begin, ..., x1_end, x2_end, ...]); `value` defaults to 0.0.

        %p = graph.pad %x {pads = array<i64: 1, 0, 1, 2>, value = -1.0 : f32} : (tensor<2x3xf32>) -> tensor<4x5xf32>
    """

    name = "graph.pad"

    input = operand_def(TensorF)
    result = result_def(TensorF)
    pads = prop_def(DenseArrayBase.constr(i64))
    value = prop_def(FloatAttr, default_value=FloatAttr(0.0, f32))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_result_type(self) -> TensorType[AnyFloat]:
        shape = shape_of(self.input, "input")
        return TensorType(self.element_type(), pad_shape(shape, ints(self.pads)))
