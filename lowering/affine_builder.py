"""Writing affine loop nests from Python, for lowerings that emit schedules directly.

    b = AffineBuilder(Builder(InsertPoint.before(op)))
    with b.loop(0, 64, step=16, name="j") as j:          # affine.for %j = 0 to 64 step 16
        with b.loop(0, b.min(64 - j, 16), name="k") as k: # bounds are index expressions
            x = b.load(A, [j + 1, k])                     # affine.load %A[%j + 1, %k]
            b.store(x, B, [k, j])

Index expressions (`Ix`, from passes/index_expr.py) build the subscripts and
bounds; loads, stores and loops turn them into maps over the values they use.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import AffineMapAttr, FloatAttr, IndexType, UnitAttr
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

from nnopt.dialects import affine
from nnopt.passes.index_expr import Ix, IxLike, as_map, substitute

__all__ = ["AffineBuilder", "Ix", "IxLike", "as_map", "substitute"]


class AffineBuilder:
    """Inserts affine loops, accesses and arithmetic at a movable point."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder

    def insert(self, op: Operation) -> Operation:
        self.builder.insert(op)
        return op

    @contextmanager
    def loop(
        self,
        lower: IxLike | Sequence[IxLike],
        upper: IxLike | Sequence[IxLike],
        step: int = 1,
        name: str | None = None,
        attributes: Sequence[str] = (),
    ) -> Iterator[Ix]:
        """`affine.for` over [max(lower...), min(upper...)); yields the index."""
        lower_map, lower_ops = as_map(list(lower) if isinstance(lower, list | tuple) else [lower])
        upper_map, upper_ops = as_map(list(upper) if isinstance(upper, list | tuple) else [upper])
        block = Block(arg_types=[IndexType()])
        block.args[0].name_hint = name
        loop = affine.ForOp.from_region(
            lower_ops, upper_ops, [], [], AffineMapAttr(lower_map), AffineMapAttr(upper_map), Region(block), step
        )
        for attribute in attributes:
            loop.attributes[attribute] = UnitAttr()
        self.insert(loop)
        outer = self.builder
        self.builder = Builder(InsertPoint.at_end(block))
        try:
            yield Ix.of(block.args[0])
        finally:
            self.builder.insert(affine.YieldOp.get())
            self.builder = outer

    def load(self, memref: SSAValue, subscripts: Sequence[IxLike], result_type: Attribute | None = None) -> SSAValue:
        access_map, operands = as_map(subscripts)
        op = affine.LoadOp(memref, operands, AffineMapAttr(access_map), result_type)
        self.insert(op)
        return op.result

    def store(self, value: SSAValue, memref: SSAValue, subscripts: Sequence[IxLike]) -> None:
        access_map, operands = as_map(subscripts)
        self.insert(affine.StoreOp(value, memref, operands, AffineMapAttr(access_map)))

    def apply(self, expr: IxLike) -> SSAValue:
        affine_map, operands = as_map([expr])
        op = affine.ApplyOp(operands, AffineMapAttr(affine_map))
        self.insert(op)
        return op.result

    def compute(self, op_type: type[Operation], *operands: SSAValue) -> SSAValue:
        """An arith/math op built by its constructor from `operands`."""
        op = op_type(*operands)
        self.insert(op)
        return op.results[0]

    def constant(self, value: float, type_: Attribute) -> SSAValue:
        op = arith.ConstantOp(FloatAttr(value, type_))  # type: ignore[call-overload]
        self.insert(op)
        return op.result
