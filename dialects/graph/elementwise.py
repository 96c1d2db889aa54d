"""Elementwise graph ops: binary ones broadcast like numpy, unary ones keep the type.

    %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %g = graph.gelu %z {approximate = "tanh"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %c = graph.clip %z {min = 0.0 : f32, max = 6.0 : f32} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    %f = graph.cast %m : (tensor<4x16xi1>) -> tensor<4x16xf32>
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IntegerType,
    Signedness,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import (
    ElementwiseBinaryOp,
    ElementwiseUnaryOp,
    GraphOp,
    TensorF,
    static_float_tensor,
)

# -- binary --------------------------------------------------------------------------


@irdl_op_definition
class AddOp(ElementwiseBinaryOp):
    """Elementwise sum with numpy broadcasting (ONNX Add).

        %r = graph.add %a, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.add"


@irdl_op_definition
class SubOp(ElementwiseBinaryOp):
    """Elementwise difference lhs - rhs with numpy broadcasting (ONNX Sub).

        %r = graph.sub %a, %b : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
    """

    name = "graph.sub"


@irdl_op_definition
class MulOp(ElementwiseBinaryOp):
    """Elementwise product with numpy broadcasting (ONNX Mul).

        %r = graph.mul %a, %b : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
    """

    name = "graph.mul"


@irdl_op_definition
class DivOp(ElementwiseBinaryOp):
    """Elementwise quotient lhs / rhs with numpy broadcasting (ONNX Div).

        %r = graph.div %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    """

    name = "graph.div"


@irdl_op_definition
class MaxOp(ElementwiseBinaryOp):
    """Elementwise maximum with numpy broadcasting; NaN wins, as in numpy.maximum (ONNX Max).

        %r = graph.max %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    """

    name = "graph.max"


@irdl_op_definition
class MinOp(ElementwiseBinaryOp):
    """Elementwise minimum with numpy broadcasting; NaN wins, as in numpy.minimum (ONNX Min).

        %r = graph.min %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    """

    name = "graph.min"


@irdl_op_definition
class PowOp(ElementwiseBinaryOp):
    """Elementwise lhs ** rhs with numpy broadcasting, C `pow` semantics (ONNX Pow).

        %r = graph.pow %a, %e : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    """

    name = "graph.pow"


# -- unary ---------------------------------------------------------------------------


@irdl_op_definition
class ReluOp(ElementwiseUnaryOp):
    """max(x, 0) elementwise; NaN stays NaN, as in numpy (ONNX Relu).

        %r = graph.relu %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.relu"


GELU_APPROXIMATIONS = ("none", "tanh")


@irdl_op_definition
class GeluOp(ElementwiseUnaryOp):
    """Gaussian error linear unit (ONNX Gelu).

    `approximate = "none"` (the default) is 0.5 x (1 + erf(x / sqrt 2));
    `approximate = "tanh"` is 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

        %r = graph.gelu %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
        %r = graph.gelu %x {approximate = "tanh"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.gelu"

    approximate = prop_def(StringAttr, default_value=StringAttr("none"))

    def infer_result_type(self) -> TensorType[AnyFloat]:
        if self.approximate.data not in GELU_APPROXIMATIONS:
            raise VerifyException(
                f'approximate must be "none" or "tanh", got "{self.approximate.data}"'
            )
        return super().infer_result_type()


@irdl_op_definition
class SigmoidOp(ElementwiseUnaryOp):
    """1 / (1 + exp(-x)) elementwise (ONNX Sigmoid).

        %r = graph.sigmoid %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.sigmoid"


@irdl_op_definition
class TanhOp(ElementwiseUnaryOp):
    """Hyperbolic tangent elementwise (ONNX Tanh).

        %r = graph.tanh %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.tanh"


@irdl_op_definition
class ExpOp(ElementwiseUnaryOp):
    """e ** x elementwise (ONNX Exp).

        %r = graph.exp %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.exp"


@irdl_op_definition
class LogOp(ElementwiseUnaryOp):
    """Natural logarithm elementwise (ONNX Log).

        %r = graph.log %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.log"


@irdl_op_definition
class SqrtOp(ElementwiseUnaryOp):
    """Square root elementwise (ONNX Sqrt).

        %r = graph.sqrt %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.sqrt"


@irdl_op_definition
class RsqrtOp(ElementwiseUnaryOp):
    """1 / sqrt(x) elementwise (ONNX Reciprocal(Sqrt)).

        %r = graph.rsqrt %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.rsqrt"


@irdl_op_definition
class NegOp(ElementwiseUnaryOp):
    """-x elementwise (ONNX Neg).

        %r = graph.neg %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.neg"


@irdl_op_definition
class ErfOp(ElementwiseUnaryOp):
    """The error function elementwise (ONNX Erf).

        %r = graph.erf %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.erf"


@irdl_op_definition
class ClipOp(ElementwiseUnaryOp):
    """min(max(x, min), max) elementwise; either bound may be absent (ONNX Clip).

    NaN stays NaN, as in numpy.clip.

        %r = graph.clip %x {min = 0.0 : f32, max = 6.0 : f32} : (tensor<4x16xf32>) -> tensor<4x16xf32>
        %r = graph.clip %x {max = 1.0 : f32} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.clip"

    min_value = opt_prop_def(FloatAttr, prop_name="min")
    max_value = opt_prop_def(FloatAttr, prop_name="max")


@irdl_op_definition
class CastOp(GraphOp):
    """Each element converted to the result's float type (ONNX Cast to a float type).

    The input may hold integers or floats: i1 (a boolean) becomes 0.0 or 1.0, other
    signless integers are read as signed (ONNX int8 ... int64), floats are rounded
    to the result type. This is how boolean masks and integer tensors enter float
    computations.

        %f = graph.cast %m : (tensor<4x16xi1>) -> tensor<4x16xf32>
        %g = graph.cast %n : (tensor<3xi64>) -> tensor<3xf32>
    """

    name = "graph.cast"

    input = operand_def(TensorType)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def __init__(self, input: SSAValue, element: AnyFloat):
        assert isinstance(input.type, TensorType)
        super().__init__(operands=[input], result_types=[TensorType(element, input.type.get_shape())])

    def element_type(self) -> AnyFloat:
        return static_float_tensor(self.result, "result").element_type

    def infer_result_type(self) -> TensorType[AnyFloat]:
        source = self.input.type
        assert isinstance(source, TensorType)
        if any(d < 0 for d in source.get_shape()):
            raise VerifyException(
                f"input has a dynamic shape ({source}); only static shapes are supported"
            )
        if not is_castable(source.element_type):
            raise VerifyException(
                f"input must hold signless integers or floats, got {source.element_type}"
            )
        return TensorType(self.element_type(), source.get_shape())

    def verify_(self) -> None:
        expected = self.infer_result_type()
        if self.result.type != expected:
            raise VerifyException(
                f"result type {self.result.type} does not match the inferred type {expected}"
            )


def is_castable(element: Attribute) -> bool:
    """Element types graph.cast reads: floats and signless integers (i1 is a boolean)."""
    if isinstance(element, IntegerType):
        return element.signedness.data == Signedness.SIGNLESS
    return isinstance(element, AnyFloat)


BINARY_OPS = (AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp)
UNARY_OPS = (
    ReluOp,
    GeluOp,
    SigmoidOp,
    TanhOp,
    ExpOp,
    LogOp,
    SqrtOp,
    RsqrtOp,
    NegOp,
    ErfOp,
    ClipOp,
)
CONVERSION_OPS = (CastOp,)
