"""Building linalg-on-tensors computations: the one helper all graph lowerings use.

    s = StructuredBuilder.before(op)
    out = s.filled(result_type, 0.0)                          # tensor.empty + linalg.fill
    [r] = s.generic([a, b], [out], maps, ["parallel", "reduction"],
                    lambda b, x: [b.addf(x[2], b.mulf(x[0], x[1]))])
    y = s.elementwise([a, bias], result_type, body)           # numpy broadcasting
    m = s.reduction([x], (4, 8), axes=(1,), init=-inf, body=max_body)   # -> 4x1
    p = s.pad(x, low=(0, 1), high=(0, 1), value=0.0)          # fill + tensor.insert_slice
    r = s.reshape(x, (6, 4))                                  # collapse to 1-D + expand

`generic` builds the body block from a Python callable that receives a
`ScalarBuilder` and the body's block arguments (inputs then outputs) and returns
the values to yield. `broadcast_map`, `reduced_map` and `window_exprs` give the
indexing maps shared by several lowerings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    TensorType,
    i64,
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

    def like(self, value: float, other: SSAValue) -> SSAValue:
        """A constant of `other`'s type."""
        return self.const(value, other.type)

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

    def unary(self, op_type: Callable[[SSAValue], Operation], a: SSAValue) -> SSAValue:
        """One math op of one operand, e.g. `unary(math.TanhOp, x)`."""
        return self.insert(op_type(a))

    def binary(
        self, op_type: Callable[[SSAValue, SSAValue], Operation], a: SSAValue, b: SSAValue
    ) -> SSAValue:
        """One arith/math op of two operands, e.g. `binary(math.PowFOp, x, y)`."""
        return self.insert(op_type(a, b))

    def index(self, dim: int) -> SSAValue:
        """The current iteration index of loop `dim` (linalg.index, inside a generic)."""
        return self.insert(linalg.IndexOp(dim))

    def addi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.AddiOp(a, b))

    def cmpi(self, a: SSAValue, b: SSAValue, predicate: str) -> SSAValue:
        return self.insert(arith.CmpiOp(a, b, predicate))

    def select(self, condition: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.insert(arith.SelectOp(condition, a, b))


BodyFn = Callable[[ScalarBuilder, Sequence[SSAValue]], Sequence[SSAValue]]


# -- indexing maps -------------------------------------------------------------------


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


def reduced_map(rank: int, axes: Sequence[int], keepdims: bool) -> AffineMap:
    """Map of a reduction's result: reduced loops index 0 (keepdims) or nothing.

    rank 3, axes (1,), keepdims  ->  (d0, d1, d2) -> (d0, 0, d2)
    rank 3, axes (1,)            ->  (d0, d1, d2) -> (d0, d2)
    """
    exprs: list[AffineExpr] = []
    for loop in range(rank):
        if loop not in axes:
            exprs.append(AffineExpr.dimension(loop))
        elif keepdims:
            exprs.append(AffineExpr.constant(0))
    return AffineMap(rank, 0, tuple(exprs))


def window_exprs(
    outputs: Sequence[int], windows: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
) -> list[AffineExpr]:
    """Input positions of a sliding window: `d_out * stride + d_win * dilation` per dim.

    outputs (2, 3), windows (6, 7), strides (2, 2), dilations (1, 1)
        ->  [d2 * 2 + d6, d3 * 2 + d7]
    """
    d = AffineExpr.dimension
    return [
        d(o) * s + d(w) * dil
        for o, w, s, dil in zip(outputs, windows, strides, dilations, strict=True)
    ]


def iterator_attrs(kinds: Sequence[str]) -> list[IteratorTypeAttr]:
    table = {"parallel": IteratorTypeAttr.parallel, "reduction": IteratorTypeAttr.reduction}
    return [table[k]() for k in kinds]


def reassociation(groups: Sequence[Sequence[int]]) -> ArrayAttr[ArrayAttr[IntegerAttr]]:
    """`[[0, 1], [2]]` as the attribute tensor/memref reshapes take."""
    return ArrayAttr([ArrayAttr([IntegerAttr(i, i64) for i in group]) for group in groups])


# -- the builder ---------------------------------------------------------------------


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

    def filled(self, type_: TensorType[Attribute], value: float) -> SSAValue:
        """A new tensor of `type_` holding `value` everywhere."""
        return self.fill(value, self.empty(type_))

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
        maps: Sequence[AffineMap] | None = None,
    ) -> SSAValue:
        """An all-parallel generic over `result_type`.

        Inputs broadcast numpy-style unless their `maps` are given.
        """
        shape = result_type.get_shape()
        if maps is None:
            maps = [broadcast_map(_shape(v), shape) for v in inputs]
        maps = [*maps, AffineMap.identity(len(shape))]
        init = self.empty(result_type)
        return self.generic(inputs, [init], maps, ["parallel"] * len(shape), body)[0]

    def reduction(
        self,
        inputs: Sequence[SSAValue],
        loop_shape: Sequence[int],
        axes: Sequence[int],
        init: float,
        body: BodyFn,
        keepdims: bool = True,
    ) -> SSAValue:
        """Reduce over `axes` of the loops `loop_shape`, starting from `init`.

        Inputs broadcast numpy-style into the loops (a keepdims result of an earlier
        reduction is read along the reduced dims); the body gets the inputs and the
        accumulator last, and returns the new accumulator.
        """
        element = _element_type(inputs[0].type)
        out_shape = [
            1 if i in axes else size for i, size in enumerate(loop_shape) if keepdims or i not in axes
        ]
        accumulator = self.filled(TensorType(element, out_shape), init)
        maps = [broadcast_map(_shape(v), loop_shape) for v in inputs]
        maps.append(reduced_map(len(loop_shape), axes, keepdims))
        iterators = ["reduction" if i in axes else "parallel" for i in range(len(loop_shape))]
        return self.generic(inputs, [accumulator], maps, iterators, body)[0]

    def insert_slice(self, source: SSAValue, dest: SSAValue, offsets: Sequence[int]) -> SSAValue:
        """`dest` with `source` written at `offsets` (unit strides)."""
        sizes = _shape(source)
        return self.insert(
            tensor.InsertSliceOp.from_static_parameters(source, dest, offsets, sizes)
        ).results[0]

    def extract_slice(
        self, source: SSAValue, offsets: Sequence[int], sizes: Sequence[int]
    ) -> SSAValue:
        """The `sizes` block of `source` at `offsets` (unit strides)."""
        return self.insert(
            tensor.ExtractSliceOp.from_static_parameters(source, offsets, sizes)
        ).results[0]

    def pad(
        self, source: SSAValue, low: Sequence[int], high: Sequence[int], value: float
    ) -> SSAValue:
        """`source` grown by `low`/`high` elements per dim, filled with `value`.

        Negative amounts crop (tensor.extract_slice); the rest is a filled tensor
        with the source inserted (tensor.insert_slice). No padding: `source` itself.
        """
        shape = _shape(source)
        if any(p < 0 for p in (*low, *high)):
            crop_low = [max(-p, 0) for p in low]
            sizes = [d - crop_low[i] - max(-high[i], 0) for i, d in enumerate(shape)]
            source = self.extract_slice(source, crop_low, sizes)
            shape = tuple(sizes)
            low, high = [max(p, 0) for p in low], [max(p, 0) for p in high]
        if not any(low) and not any(high):
            return source
        padded_shape = [d + lo + hi for d, lo, hi in zip(shape, low, high, strict=True)]
        padded = self.filled(TensorType(_element_type(source.type), padded_shape), value)
        return self.insert_slice(source, padded, low)

    def reshape(self, source: SSAValue, shape: Sequence[int]) -> SSAValue:
        """The elements of `source` in row-major order, viewed with `shape`.

        Collapses to 1-D, then expands to `shape` (skipping either step when the
        tensor already has that form). A rank-0 source is copied into `shape` (all
        ones) by a generic: xDSL 0.74's verifier rejects `tensor.expand_shape`
        from rank 0, which MLIR allows.
        """
        source_shape = _shape(source)
        element = _element_type(source.type)
        if tuple(source_shape) == tuple(shape):
            return source
        if not source_shape:
            scalar = AffineMap(len(shape), 0, ())
            return self.elementwise(
                [source], TensorType(element, list(shape)), lambda b, v: [v[0]], maps=[scalar]
            )
        count = 1
        for size in shape:
            count *= size
        flat = source
        if len(source_shape) != 1:
            flat_type = TensorType(element, [count])
            flat = self._collapse(source, [list(range(len(source_shape)))], flat_type)
        if len(shape) == 1:
            return flat
        target = TensorType(element, list(shape))
        if not shape:
            return self._collapse(flat, [], target)
        return self._expand(flat, [list(range(len(shape)))], target)

    def _collapse(
        self, source: SSAValue, groups: Sequence[Sequence[int]], type_: TensorType[Attribute]
    ) -> SSAValue:
        op = tensor.CollapseShapeOp.build(
            operands=[source],
            result_types=[type_],
            properties={"reassociation": reassociation(groups)},
        )
        return self.insert(op).results[0]

    def _expand(
        self, source: SSAValue, groups: Sequence[Sequence[int]], type_: TensorType[Attribute]
    ) -> SSAValue:
        op = tensor.ExpandShapeOp(source, [], reassociation(groups), type_.get_shape(), type_)
        return self.insert(op).results[0]


def _inherit_location(new: Operation, source: Operation) -> None:
    new.location = source.location


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def _element_type(type_: Attribute) -> Attribute:
    return type_.element_type if isinstance(type_, TensorType) else type_
