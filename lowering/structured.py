"""Building linalg-on-tensors computations: the one helper all graph lowerings use.

    s = StructuredBuilder.before(op)
    out = s.empty(result_type)                               # tensor.empty
    out = s.fill(0.0, out)                                   # linalg.fill
    [r] = s.generic([a, b], [out], maps, ["parallel", "reduction"],
                    lambda b, x: [b.addf(x[2], b.mulf(x[0], x[1]))])

`generic` builds the body block from a Python callable that receives a
`ScalarBuilder` and the body's block arguments (inputs then outputs) and returns
the values to yield. `broadcast_map` gives the numpy-broadcasting indexing map of
an operand inside a result's iteration space.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    TensorType,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint


class ScalarBuilder:
    """Builds scalar arith/math ops at a point; used for linalg bodies."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder

    def insert(self, op: Operation) -> SSAValue:
        self.builder.insert(op)
        return op.results[0]

    def const(self, value: float, type_: Attribute) -> SSAValue:
        if isinstance(type_, AnyFloat):
            return self.insert(arith.ConstantOp(FloatAttr(value, type_)))
        if isinstance(type_, IndexType):
            return self.insert(arith.ConstantOp(IntegerAttr(int(value), type_)))
        raise TypeError(f"no scalar constant of type {type_}")

    def addf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.AddfOp(a, b))

    def subf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.SubfOp(a, b))

    def mulf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.MulfOp(a, b))

    def divf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.DivfOp(a, b))

    def maximumf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.MaximumfOp(a, b))

    def minimumf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.MinimumfOp(a, b))

    def negf(self, a: SSAValue) -> SSAValue:
        return self.insert(arith.NegfOp(a))

    def exp(self, a: SSAValue) -> SSAValue:
        return self.insert(math.ExpOp(a))


BodyFn = Callable[[ScalarBuilder, Sequence[SSAValue]], Sequence[SSAValue]]


def broadcast_map(operand_shape: Sequence[int], result_shape: Sequence[int]) -> AffineMap:
    """Indexing map of an operand broadcast (numpy rules) into `result_shape`'s loops.

    (16,) into (4, 16)  ->  (d0, d1) -> (d1)
    (4, 1) into (4, 16) ->  (d0, d1) -> (d0, 0)
    """
    rank = len(result_shape)
    offset = rank - len(operand_shape)
    exprs: list[AffineExpr] = []
    for axis, size in enumerate(operand_shape):
        loop = offset + axis
        if size == 1 and result_shape[loop] != 1:
            exprs.append(AffineExpr.constant(0))
        else:
            exprs.append(AffineExpr.dimension(loop))
    return AffineMap(rank, 0, tuple(exprs))


def iterator_attrs(kinds: Sequence[str]) -> list[IteratorTypeAttr]:
    table = {"parallel": IteratorTypeAttr.parallel, "reduction": IteratorTypeAttr.reduction}
    return [table[k]() for k in kinds]


class StructuredBuilder:
    """Inserts tensor/linalg ops at one insertion point."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.scalar = ScalarBuilder(builder)

    @staticmethod
    def before(op: Operation) -> StructuredBuilder:
        """A builder inserting before `op`; new ops take `op`'s source location."""
        builder = Builder(InsertPoint.before(op))
        builder.operation_insertion_handler.append(lambda new: _inherit_location(new, op))
        return StructuredBuilder(builder)

    def insert(self, op: Operation) -> Operation:
        self.builder.insert(op)
        return op

    def empty(self, type_: TensorType[Attribute]) -> SSAValue:
        return self.insert(tensor.EmptyOp([], type_)).results[0]

    def constant_tensor(self, value: DenseIntOrFPElementsAttr) -> SSAValue:
        return self.insert(arith.ConstantOp(value)).results[0]

    def fill(self, value: float, init: SSAValue) -> SSAValue:
        assert isinstance(init.type, TensorType)
        scalar = self.scalar.const(value, init.type.element_type)
        return self.insert(linalg.FillOp([scalar], [init], [init.type])).results[0]

    def generic(
        self,
        inputs: Sequence[SSAValue],
        inits: Sequence[SSAValue],
        maps: Sequence[AffineMap],
        iterators: Sequence[str],
        body: BodyFn,
    ) -> list[SSAValue]:
        arg_types = [_element_type(v.type) for v in (*inputs, *inits)]
        block = Block(arg_types=arg_types)
        body_builder = Builder(InsertPoint.at_end(block))
        yielded = body(ScalarBuilder(body_builder), block.args)
        body_builder.insert(linalg.YieldOp(*yielded))
        op = linalg.GenericOp(
            list(inputs),
            list(inits),
            Region(block),
            [AffineMapAttr(m) for m in maps],
            iterator_attrs(iterators),
            [v.type for v in inits],
        )
        self.insert(op)
        return list(op.results)

    def elementwise(
        self,
        inputs: Sequence[SSAValue],
        result_type: TensorType[Attribute],
        body: BodyFn,
    ) -> SSAValue:
        """An all-parallel generic over `result_type`, inputs broadcast numpy-style."""
        shape = result_type.get_shape()
        maps = [broadcast_map(_shape(v), shape) for v in inputs]
        maps.append(AffineMap.identity(len(shape)))
        init = self.empty(result_type)
        return self.generic(inputs, [init], maps, ["parallel"] * len(shape), body)[0]


def _inherit_location(new: Operation, source: Operation) -> None:
    new.location = source.location


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def _element_type(type_: Attribute) -> Attribute:
    return type_.element_type if isinstance(type_, TensorType) else type_
