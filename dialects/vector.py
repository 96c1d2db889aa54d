"""The `vector` dialect: xDSL's vector ops plus the ones it lacks.

Re-exported from xDSL: load, store, broadcast, fma, reduction, transfer_read/write,
extract, insert, shuffle, maskedload/maskedstore, create_mask, bitcast, print.
Added here (MLIR syntax and semantics):

    %v = vector.splat %s : vector<16xf32>
    %i = vector.step : vector<16xindex>
    %o = vector.outerproduct %a, %b, %acc : vector<4xf32>, vector<16xf32>   // 4x16 result
    %y = vector.outerproduct %a, %s, %acc : vector<16xf32>, f32             // axpy: a * s + acc
    %r = vector.multi_reduction <add>, %v, %acc [1] : vector<4x16xf32> to vector<4xf32>
    %c = vector.shape_cast %v : vector<4x16xf32> to vector<64xf32>
    %t = vector.transpose %v, [1, 0] : vector<4x16xf32> to vector<16x4xf32>

`make_reduction` builds a correctly typed `vector.reduction` (xDSL's constructor
gives it the vector type as result).
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import (
    AnyFloatConstr,
    DenseArrayBase,
    IndexType,
    VectorType,
    i64,
)
from xdsl.dialects.vector import CombiningKindAttr, CombiningKindFlag, ReductionOp
from xdsl.dialects.vector import Vector as _XdslVector
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


def make_reduction(
    vector: SSAValue, kind: str, acc: SSAValue | None = None
) -> ReductionOp:
    """`vector.reduction <kind>, %vector[, %acc] : vector<NxT> into T`."""
    assert isinstance(vector.type, VectorType)
    return ReductionOp.create(
        operands=[vector, *([acc] if acc is not None else [])],
        result_types=[vector.type.get_element_type()],
        properties={"kind": CombiningKindAttr(CombiningKindFlag(kind))},
    )


@irdl_op_definition
class SplatOp(IRDLOperation):
    """Broadcast a scalar to every lane.

        %v = vector.splat %s : vector<16xf32>
    """

    name = "vector.splat"

    input = operand_def()
    aggregate = result_def(VectorType)

    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, result_type: VectorType):
        super().__init__(operands=[input], result_types=[result_type])

    @classmethod
    def parse(cls, parser: Parser) -> SplatOp:
        operand = parser.parse_unresolved_operand()
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        pos = parser.pos
        result_type = parser.parse_type()
        if not isinstance(result_type, VectorType):
            parser.raise_error(f"expected a vector type, got {result_type}", pos)
        op = SplatOp(parser.resolve_operand(operand, result_type.get_element_type()), result_type)
        op.attributes |= attributes
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.input)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.aggregate.type)

    def verify_(self) -> None:
        assert isinstance(self.aggregate.type, VectorType)
        if self.input.type != self.aggregate.type.get_element_type():
            raise VerifyException(
                f"operand type {self.input.type} differs from the element type of "
                f"{self.aggregate.type}"
            )


@irdl_op_definition
class StepOp(IRDLOperation):
    """The lane indices 0, 1, ..., N-1.

        %i = vector.step : vector<16xindex>
    """

    name = "vector.step"

    result = result_def(VectorType.constr(IndexType()))

    traits = traits_def(Pure())
    assembly_format = "attr-dict `:` type($result)"

    def __init__(self, result_type: VectorType):
        super().__init__(result_types=[result_type])

    def verify_(self) -> None:
        assert isinstance(self.result.type, VectorType)
        if self.result.type.get_num_dims() != 1:
            raise VerifyException("the result must be a 1-D vector")


@irdl_op_definition
class OuterProductOp(IRDLOperation):
    """Outer product with accumulation (or an AXPY when the rhs is a scalar).

        %o = vector.outerproduct %a, %b, %acc : vector<4xf32>, vector<16xf32>
        // %o : vector<4x16xf32>, %o[i, j] = %a[i] * %b[j] + %acc[i, j]
        %y = vector.outerproduct %a, %s, %acc : vector<16xf32>, f32
        // %y[i] = %a[i] * %s + %acc[i]
    """

    name = "vector.outerproduct"

    R: ClassVar = VarConstraint("R", VectorType.constr(AnyFloatConstr))

    lhs = operand_def(VectorType.constr(AnyFloatConstr))
    rhs = operand_def()
    acc = opt_operand_def(R)
    result = result_def(R)

    traits = traits_def(Pure())
    assembly_format = (
        "$lhs `,` $rhs (`,` $acc^)? attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"
    )

    def __init__(self, lhs: SSAValue, rhs: SSAValue, acc: SSAValue | None = None):
        assert isinstance(lhs.type, VectorType)
        if isinstance(rhs.type, VectorType):
            shape = [lhs.type.get_shape()[0], rhs.type.get_shape()[0]]
        else:
            shape = [lhs.type.get_shape()[0]]
        result_type = VectorType(lhs.type.get_element_type(), shape)
        super().__init__(operands=[lhs, rhs, [acc] if acc is not None else []], result_types=[result_type])

    def verify_(self) -> None:
        lhs, rhs, result = self.lhs.type, self.rhs.type, self.result.type
        assert isinstance(lhs, VectorType) and isinstance(result, VectorType)
        if lhs.get_num_dims() != 1:
            raise VerifyException("the lhs must be a 1-D vector")
        element = lhs.get_element_type()
        if isinstance(rhs, VectorType):
            if rhs.get_num_dims() != 1 or rhs.get_element_type() != element:
                raise VerifyException("the rhs must be a 1-D vector of the lhs element type")
            expected = VectorType(element, [lhs.get_shape()[0], rhs.get_shape()[0]])
        else:
            if rhs != element:
                raise VerifyException(f"a scalar rhs must be {element}, got {rhs}")
            expected = lhs
        if result != expected:
            raise VerifyException(f"result type {result} should be {expected}")
        if self.acc is not None and self.acc.type != expected:
            raise VerifyException(f"accumulator type {self.acc.type} should be {expected}")


@irdl_op_definition
class MultiReductionOp(IRDLOperation):
    """Reduce the listed dimensions of a vector, combining with an accumulator.

        %r = vector.multi_reduction <add>, %v, %acc [1] : vector<4x16xf32> to vector<4xf32>
    """

    name = "vector.multi_reduction"

    T: ClassVar = VarConstraint("T", AnyAttr())

    kind = prop_def(CombiningKindAttr)
    source = operand_def(VectorType)
    acc = operand_def(T)
    reduction_dims = prop_def(DenseArrayBase.constr(i64))
    dest = result_def(T)

    traits = traits_def(Pure())
    assembly_format = (
        "$kind `,` $source `,` $acc $reduction_dims attr-dict `:` type($source) `to` type($dest)"
    )

    def verify_(self) -> None:
        source = self.source.type
        assert isinstance(source, VectorType)
        dims = list(self.reduction_dims.get_values())
        rank = source.get_num_dims()
        if len(set(dims)) != len(dims) or any(d < 0 or d >= rank for d in dims):
            raise VerifyException(f"reduction dims {dims} must be distinct dims of a rank-{rank} vector")
        kept = [s for i, s in enumerate(source.get_shape()) if i not in dims]
        element = source.get_element_type()
        expected: Attribute = VectorType(element, kept) if kept else element
        if self.dest.type != expected:
            raise VerifyException(f"result type {self.dest.type} should be {expected}")
        if self.acc.type != expected:
            raise VerifyException(f"accumulator type {self.acc.type} should be {expected}")


@irdl_op_definition
class ShapeCastOp(IRDLOperation):
    """Reinterpret a vector with another shape of the same number of elements.

        %c = vector.shape_cast %v : vector<4x16xf32> to vector<64xf32>
    """

    name = "vector.shape_cast"

    source = operand_def(VectorType)
    result = result_def(VectorType)

    traits = traits_def(Pure())
    assembly_format = "$source attr-dict `:` type($source) `to` type($result)"

    def verify_(self) -> None:
        source, result = self.source.type, self.result.type
        assert isinstance(source, VectorType) and isinstance(result, VectorType)
        if source.get_element_type() != result.get_element_type():
            raise VerifyException("source and result must have the same element type")
        if _count(source) != _count(result):
            raise VerifyException(
                f"{source} and {result} have different numbers of elements"
            )


@irdl_op_definition
class TransposeOp(IRDLOperation):
    """Permute the dimensions of a vector.

        %t = vector.transpose %v, [1, 0] : vector<4x16xf32> to vector<16x4xf32>
    """

    name = "vector.transpose"

    vector = operand_def(VectorType)
    permutation = prop_def(DenseArrayBase.constr(i64))
    result = result_def(VectorType)

    traits = traits_def(Pure())
    assembly_format = "$vector `,` $permutation attr-dict `:` type($vector) `to` type($result)"

    def verify_(self) -> None:
        source, result = self.vector.type, self.result.type
        assert isinstance(source, VectorType) and isinstance(result, VectorType)
        perm = list(self.permutation.get_values())
        if sorted(perm) != list(range(source.get_num_dims())):
            raise VerifyException(f"{perm} is not a permutation of the {source.get_num_dims()} dims")
        expected = VectorType(source.get_element_type(), [source.get_shape()[p] for p in perm])
        if result != expected:
            raise VerifyException(f"result type {result} should be {expected}")


def _count(type_: VectorType) -> int:
    count = 1
    for size in type_.get_shape():
        count *= size
    return count


ADDED_OPS: list[type[Operation]] = [
    SplatOp,
    StepOp,
    OuterProductOp,
    MultiReductionOp,
    ShapeCastOp,
    TransposeOp,
]

Vector = Dialect(
    "vector",
    [*_XdslVector.operations, *ADDED_OPS],
    list(_XdslVector.attributes),
)

__all__ = [
    "MultiReductionOp",
    "OuterProductOp",
    "ShapeCastOp",
    "SplatOp",
    "StepOp",
    "TransposeOp",
    "Vector",
    "make_reduction",
]
