"""The shared bases of graph ops: typing rules, result inference, property access.

Every graph op takes and returns static float tensors of one element type and
states its result type; `GraphOp.verify_` checks it against `infer_result_type`.
Properties are printed in the attribute dictionary, and one equal to its default
may be left out:

    %y = graph.softmax %x {axis = 0 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %y = graph.softmax %x : (tensor<4x8xf32>) -> tensor<4x8xf32>        // axis = -1

Ops are built from Python with their result type inferred:

    op = SoftmaxOp.inferred([x], {"axis": IntegerAttr(0, i64)})
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Self

from xdsl.dialects.builtin import (
    AnyFloat,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    operand_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.shapes import broadcast_shapes

TensorF = TensorType[AnyFloat]


def syntax_with_optional_operand(required: Sequence[str], optional: str) -> str:
    """The assembly format of an op with operands `required` and then one optional one.

    xDSL 0.74's `functional-type(operands, results)` cannot parse the types of an op
    with operand segments, so the types are spelled out; the text is the usual
    `%r = graph.op %a, %b, %c {...} : (A, B, C) -> R`, with `, %c` and `, C` optional.
    """
    operands = " `,` ".join(f"${name}" for name in required)
    types = " `,` ".join(f"type(${name})" for name in required)
    return (
        f"{operands} (`,` ${optional}^)? attr-dict `:` "
        f"`(` {types} (`,` type(${optional})^)? `)` `->` type($result)"
    )


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


def shape_of(value: SSAValue, what: str) -> tuple[int, ...]:
    """The static shape of a float tensor value (VerifyException if it is not one)."""
    return static_float_tensor(value, what).get_shape()


def int_array(values: Sequence[int]) -> DenseArrayBase:
    """`array<i64: ...>`, the form of every integer-list property."""
    return DenseArrayBase.from_list(i64, list(values))


def ints(
    attr: DenseArrayBase[IntegerType] | None, default: Sequence[int] = ()
) -> tuple[int, ...]:
    """The values of an integer-list property, or `default` when it is absent."""
    if attr is None:
        return tuple(default)
    return tuple(int(v) for v in attr.get_values())


def integer(attr: IntegerAttr) -> int:
    return attr.value.data


def flag(attr: IntegerAttr) -> bool:
    """The value of a boolean (i1) property; xDSL stores `true` as -1."""
    return attr.value.data != 0


def real(attr: FloatAttr) -> float:
    return float(attr.value.data)


class GraphOp(IRDLOperation, ABC):
    """Base of graph ops with one tensor result whose type follows from the operands.

    Subclasses implement `infer_result_type`, raising VerifyException with a
    message a user understands when the operands or properties do not fit.
    """

    irdl_options = (ParsePropInAttrDict(),)

    @abstractmethod
    def infer_result_type(self) -> TensorType[AnyFloat]: ...

    def element_type(self) -> AnyFloat:
        return static_float_tensor(self.operands[0], "operand #0").element_type

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

    @classmethod
    def inferred(
        cls,
        operands: Sequence[SSAValue | Sequence[SSAValue]],
        properties: Mapping[str, Attribute] | None = None,
    ) -> Self:
        """The op on `operands` (a list for a variadic or optional one), result type inferred."""
        first = operands[0]
        probe_type = (first[0] if isinstance(first, Sequence) else first).type
        probe = cls.build(
            operands=list(operands), properties=dict(properties or {}), result_types=[probe_type]
        )
        result_type = probe.infer_result_type()
        probe.erase()
        return cls.build(
            operands=list(operands), properties=dict(properties or {}), result_types=[result_type]
        )


class ElementwiseUnaryOp(GraphOp, ABC):
    """Base of unary elementwise ops: `%r = graph.<op> %x : (T) -> T`."""

    input = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        input: SSAValue,
        attributes: Mapping[str, Attribute] | None = None,
        properties: Mapping[str, Attribute] | None = None,
    ):
        super().__init__(
            operands=[input],
            result_types=[input.type],
            attributes=dict(attributes or {}),
            properties=dict(properties or {}),
        )

    def infer_result_type(self) -> TensorType[AnyFloat]:
        return static_float_tensor(self.input, "input")


class BinaryGraphOp(GraphOp, ABC):
    """Base of ops with two float tensor operands whose result shape follows from theirs.

        %r = graph.<op> %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>

    Subclasses give the shape rule (`result_shape`): broadcasting for the
    elementwise ops, numpy's matmul rule for graph.matmul.
    """

    lhs = operand_def(TensorF)
    rhs = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    @staticmethod
    @abstractmethod
    def result_shape(lhs: Sequence[int], rhs: Sequence[int]) -> tuple[int, ...]:
        """The result shape for operands of shapes `lhs` and `rhs` (VerifyException if none)."""

    def __init__(self, lhs: SSAValue, rhs: SSAValue, result_type: Attribute | None = None):
        if result_type is None:
            lhs_type = static_float_tensor(lhs, "lhs")
            rhs_type = static_float_tensor(rhs, "rhs")
            shape = self.result_shape(lhs_type.get_shape(), rhs_type.get_shape())
            result_type = TensorType(lhs_type.element_type, shape)
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    def infer_result_type(self) -> TensorType[AnyFloat]:
        lhs = static_float_tensor(self.lhs, "lhs")
        rhs = static_float_tensor(self.rhs, "rhs")
        return TensorType(lhs.element_type, self.result_shape(lhs.get_shape(), rhs.get_shape()))


class ElementwiseBinaryOp(BinaryGraphOp, ABC):
    """Base of binary elementwise ops with numpy broadcasting.

        %r = graph.<op> %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    """

    @staticmethod
    def result_shape(lhs: Sequence[int], rhs: Sequence[int]) -> tuple[int, ...]:
        return broadcast_shapes(lhs, rhs)
