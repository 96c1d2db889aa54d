"""Matrix products and constants: graph.matmul, graph.gemm, graph.constant.

    %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    %y = graph.gemm %a, %b, %c {trans_b = true} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %w = graph.constant dense<0.5> : tensor<16xf32>
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    AnyFloat,
    BoolAttr,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
    TensorType,
    f32,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import (
    BinaryGraphOp,
    GraphOp,
    TensorF,
    flag,
    shape_of,
    static_float_tensor,
    syntax_with_optional_operand,
)
from nnopt.dialects.shapes import check_broadcastable_to, gemm_shape, matmul_shape


@irdl_op_definition
class MatmulOp(BinaryGraphOp):
    """numpy matmul: batched over leading dims with broadcasting (ONNX MatMul).

        %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
        %c = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>

    A 1-D operand is a vector: `(8) @ (8x5) -> (5)`, `(4x8) @ (8) -> (4)`.
    """

    name = "graph.matmul"

    @staticmethod
    def result_shape(lhs: Sequence[int], rhs: Sequence[int]) -> tuple[int, ...]:
        return matmul_shape(lhs, rhs)


@irdl_op_definition
class GemmOp(GraphOp):
    """alpha * op(A) @ op(B) + beta * C, op() transposing when asked (ONNX Gemm).

    A and B are matrices; C is optional and broadcasts (one way) to the M x N result.
    Defaults: alpha = beta = 1.0, trans_a = trans_b = false.

        %y = graph.gemm %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
        %y = graph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true} : (tensor<8x4xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.gemm"

    a = operand_def(TensorF)
    b = operand_def(TensorF)
    c = opt_operand_def(TensorF)
    result = result_def(TensorF)

    alpha = prop_def(FloatAttr, default_value=FloatAttr(1.0, f32))
    beta = prop_def(FloatAttr, default_value=FloatAttr(1.0, f32))
    trans_a = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(False))
    trans_b = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(False))

    irdl_options = (ParsePropInAttrDict(), AttrSizedOperandSegments(as_property=True))
    traits = traits_def(Pure())
    assembly_format = syntax_with_optional_operand(["a", "b"], "c")

    def infer_result_type(self) -> TensorType[AnyFloat]:
        m, n = gemm_shape(
            shape_of(self.a, "A"), shape_of(self.b, "B"), flag(self.trans_a), flag(self.trans_b)
        )
        if self.c is not None:
            check_broadcastable_to(shape_of(self.c, "C"), (m, n), "C")
        return TensorType(self.element_type(), (m, n))


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
