"""convert-linalg-to-affine: linalg ops on memrefs become affine loop nests.

One `affine.for` per loop of the op (outermost first, in the order of its
iterator types), an `affine.load` per operand through its indexing map, the
body's scalar ops, and an `affine.store` of each yielded value:

    linalg.generic {indexing_maps = [(d0, d1, d2) -> (d0, d2), (d0, d1, d2) -> (d2, d1),
                                     (d0, d1, d2) -> (d0, d1)],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>) outs(%C : memref<4x16xf32>) {...}
becomes
    affine.for %i = 0 to 4 {
      affine.for %j = 0 to 16 {
        affine.for %k = 0 to 8 {
          %a = affine.load %A[%i, %k] : memref<4x8xf32>
          %b = affine.load %B[%k, %j] : memref<8x16xf32>
          %c = affine.load %C[%i, %j] : memref<4x16xf32>
          ...
          affine.store %s, %C[%i, %j] : memref<4x16xf32>
        }
      }
    }

`memref.copy` becomes a copy loop nest too, so that every memory access of the
function is visible to the polyhedral scheduler. A linalg op still on tensors is
an error (run bufferize first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import AffineMapAttr, IndexType, MemRefType, ModuleOp
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import affine
from nnopt.support.diagnostics import CompileError


def build_loop_nest(builder: Builder, ranges: Sequence[int], names: Sequence[str] = ()) -> tuple[Builder, list[SSAValue]]:
    """Insert `affine.for` loops 0..range (outermost first) at `builder`.

    Returns a builder positioned inside the innermost body, before its yield,
    and the induction variables.
    """
    ivs: list[SSAValue] = []
    current = builder
    for depth, extent in enumerate(ranges):
        block = Block(arg_types=[IndexType()])
        block.add_op(affine.YieldOp.get())
        loop = affine.ForOp.from_region([], [], [], [], 0, extent, Region(block))
        current.insert(loop)
        iv = block.args[0]
        iv.name_hint = names[depth] if depth < len(names) else None
        ivs.append(iv)
        current = Builder(InsertPoint.before(block.last_op))  # type: ignore[arg-type]
    return current, ivs


_IV_NAMES = ("i", "j", "k", "l", "m", "n", "o", "p", "q", "r")


def _loop_ranges(op: LinalgStructuredOperation) -> tuple[int, ...]:
    try:
        ranges = op.get_static_loop_ranges()
    except NotImplementedError as error:
        raise CompileError(f"cannot derive loop ranges: {error}", op) from None
    if any(r < 0 for r in ranges):
        raise CompileError("has dynamic loop ranges; only static shapes are supported", op)
    return ranges


def lower_structured_op(op: LinalgStructuredOperation) -> None:
    """Replace a linalg op on memrefs by its affine loop nest."""
    if op.results:
        raise CompileError("operates on tensors; run bufferize first", op)
    ranges = _loop_ranges(op)
    maps = [m.data for m in op.get_indexing_maps()]
    inner, ivs = build_loop_nest(Builder(InsertPoint.before(op)), ranges, _IV_NAMES)
    body = op.body.block
    operands = list(op.operands)
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, operand, index_map in zip(body.args, operands, maps, strict=True):
        if not isinstance(operand.type, MemRefType):
            mapping[arg] = operand  # a scalar operand is used as it is
        elif arg.uses:
            access_map, indices = affine.compress_map(index_map, ivs)
            load = affine.LoadOp(operand, indices, AffineMapAttr(access_map))
            inner.insert(load)
            load.result.name_hint = arg.name_hint
            mapping[arg] = load.result
    outputs = operands[len(op.inputs) :]
    output_maps = maps[len(op.inputs) :]
    for body_op in body.ops:
        if isinstance(body_op, linalg.YieldOp):
            for value, out, out_map in zip(body_op.operands, outputs, output_maps, strict=True):
                stored = mapping.get(value, value)
                access_map, indices = affine.compress_map(out_map, ivs)
                inner.insert(affine.StoreOp(stored, out, indices, AffineMapAttr(access_map)))
        elif isinstance(body_op, linalg.IndexOp):
            mapping[body_op.result] = ivs[body_op.dim.value.data]
        else:
            clone = body_op.clone(value_mapper=mapping)
            inner.insert(clone)
    Rewriter.erase_op(op)


def lower_copy(op: memref.CopyOp) -> None:
    source, target = op.source.type, op.destination.type
    assert isinstance(source, MemRefType) and isinstance(target, MemRefType)
    shape = source.get_shape()
    inner, ivs = build_loop_nest(Builder(InsertPoint.before(op)), shape, _IV_NAMES)
    identity = AffineMapAttr(AffineMap.identity(len(shape)))
    load = affine.LoadOp(op.source, ivs, identity)
    inner.insert(load)
    inner.insert(affine.StoreOp(load.result, op.destination, ivs, identity))
    Rewriter.erase_op(op)


@dataclass(frozen=True)
class ConvertLinalgToAffine(ModulePass):
    """Lower linalg ops (and memref.copy) on memrefs to affine.for/load/store nests."""

    name = "convert-linalg-to-affine"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        targets: list[Operation] = [
            o for o in op.walk() if isinstance(o, LinalgStructuredOperation | memref.CopyOp)
        ]
        for target in targets:
            if isinstance(target, memref.CopyOp):
                lower_copy(target)
            elif isinstance(target, LinalgStructuredOperation):
                lower_structured_op(target)
