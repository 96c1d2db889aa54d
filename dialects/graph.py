"""The `graph` dialect: neural-network operators on immutable ranked tensors.

Semantics follow ONNX (and numpy where ONNX follows numpy): elementwise binary
operators broadcast, `graph.matmul` is numpy's matmul. Every op states its result
type, and the verifier checks it against the type the op implies:

    func.func @mlp(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
      %y = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
      %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
      %r = graph.relu %z : (tensor<4x16xf32>) -> tensor<4x16xf32>
      func.return %r : tensor<4x16xf32>
    }

Shapes must be static; a dynamic dimension is reported by the verifier.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from xdsl.dialects.builtin import (
    AnyFloat,
    DenseIntOrFPElementsAttr,
    TensorType,
)
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.shapes import broadcast_shapes, format_shape, matmul_shape

TensorF = TensorType[AnyFloat]


def static_float_tensor(value: SSAValue | Attribute, what: str) -> TensorType[AnyFloat]:
    """The type of `value` as a static float tensor, or a VerifyException saying why not."""
    type_ = value.type if isinstance(value, SSAValue) else value
    if not isinstance(type_, TensorType):
        raise VerifyException(f"{what} must be a ranked tensor, got {type_}")
    if not isinstance(type_.element_type, AnyFloat):
        raise VerifyException(f"{what} must have a float element type, got {type_.element_type}")
    if any(dim < 0 for dim in type_.get_shape()):
        raise VerifyException(
            f"{what} has a dynamic shape ({type_}); only static shapes are supported"
        )
    return type_  # type: ignore[return-value]


class GraphOp(IRDLOperation, ABC):
    """Base of graph ops with one tensor result whose type follows from the operands.

    Subclasses implement `infer_result_type`, raising VerifyException with a
    message a user understands when the operands do not fit together.
    """

    @abstractmethod
    def infer_result_type(self) -> TensorType[AnyFloat]: ...

    def verify_(self) -> None:
        element_types = {
            static_float_tensor(operand, f"operand #{i}").element_type
            for i, operand in enumerate(self.operands)
        }
        if len(element_types) > 1:
            raise VerifyException(
                "operands must have one element type, got "
                + ", ".join(sorted(str(t) for t in element_types))
            )
        result = self.results[0]
        static_float_tensor(result, "result")
        expected = self.infer_result_type()
        if result.type != expected:
            raise VerifyException(
                f"result type {result.type} does not match the inferred type {expected}"
            )


class ElementwiseUnaryOp(GraphOp, ABC):
    """Base of unary elementwise ops: `%r = graph.<op> %x : (T) -> T`."""

    input = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def __init__(self, input: SSAValue, attributes: dict[str, Attribute] | None = None):
        super().__init__(operands=[input], result_types=[input.type], attributes=attributes)

    def infer_result_type(self) -> TensorType[AnyFloat]:
        return static_float_tensor(self.input, "input")


class ElementwiseBinaryOp(GraphOp, ABC):
    """Base of binary elementwise ops with numpy broadcasting.

        %r = graph.<op> %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    """

    lhs = operand_def(TensorF)
    rhs = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    def __init__(self, lhs: SSAValue, rhs: SSAValue, result_type: Attribute | None = None):
        if result_type is None:
            lhs_type = static_float_tensor(lhs, "lhs")
            rhs_type = static_float_tensor(rhs, "rhs")
            shape = broadcast_shapes(lhs_type.get_shape(), rhs_type.get_shape())
            result_type = TensorType(lhs_type.element_type, shape)
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    def infer_result_type(self) -> TensorType[AnyFloat]:
        lhs = static_float_tensor(self.lhs, "lhs")
        rhs = static_float_tensor(self.rhs, "rhs")
        return TensorType(lhs.element_type, broadcast_shapes(lhs.get_shape(), rhs.get_shape()))


@irdl_op_definition
class AddOp(ElementwiseBinaryOp):
    """Elementwise sum with numpy broadcasting (ONNX Add).

        %r = graph.add %a, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.add"


@irdl_op_definition
class ReluOp(ElementwiseUnaryOp):
    """max(x, 0) elementwise; NaN stays NaN, as in numpy (ONNX Relu).

        %r = graph.relu %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.relu"


@irdl_op_definition
class MatmulOp(GraphOp):
    """numpy matmul: batched over leading dims with broadcasting (ONNX MatMul).

        %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
        %c = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>

    A 1-D operand is a vector: `(8) @ (8x5) -> (5)`, `(4x8) @ (8) -> (4)`.
    """

    name = "graph.matmul"

    lhs = operand_def(TensorF)
    rhs = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    def __init__(self, lhs: SSAValue, rhs: SSAValue, result_type: Attribute | None = None):
        if result_type is None:
            lhs_type = static_float_tensor(lhs, "lhs")
            rhs_type = static_float_tensor(rhs, "rhs")
            shape = matmul_shape(lhs_type.get_shape(), rhs_type.get_shape())
            result_type = TensorType(lhs_type.element_type, shape)
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    def infer_result_type(self) -> TensorType[AnyFloat]:
        lhs = static_float_tensor(self.lhs, "lhs")
        rhs = static_float_tensor(self.rhs, "rhs")
        return TensorType(lhs.element_type, matmul_shape(lhs.get_shape(), rhs.get_shape()))


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant tensor (ONNX Constant, and initializers).

        %w = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
        %z = graph.constant dense<0.0> : tensor<16xf32>
    """

    name = "graph.constant"

    value = prop_def(DenseIntOrFPElementsAttr)
    result = result_def(TensorF)

    traits = traits_def(Pure(), ConstantLike())

    def __init__(self, value: DenseIntOrFPElementsAttr):
        super().__init__(properties={"value": value}, result_types=[value.type])

    def verify_(self) -> None:
        static_float_tensor(self.result, "result")
        if self.value.type != self.result.type:
            raise VerifyException(
                f"value type {self.value.type} differs from result type {self.result.type}"
            )

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        pos = parser.pos
        value = parser.parse_attribute()
        if not isinstance(value, DenseIntOrFPElementsAttr):
            parser.raise_error("expected a dense elements attribute (dense<...> : tensor<...>)", pos)
        op = ConstantOp(value)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_attribute(self.value)
        printer.print_op_attributes(self.attributes)


GRAPH_OPS: Sequence[type[IRDLOperation]] = (ConstantOp, MatmulOp, AddOp, ReluOp)

Graph = Dialect("graph", list(GRAPH_OPS), [])

__all__ = [
    "AddOp",
    "ConstantOp",
    "ElementwiseBinaryOp",
    "ElementwiseUnaryOp",
    "Graph",
    "GraphOp",
    "MatmulOp",
    "ReluOp",
    "format_shape",
    "static_float_tensor",
]

