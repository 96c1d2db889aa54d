"""One linalg op on memrefs as an affine loop nest; the pieces fused nests reuse.

    lower_structured_op(op)     # the whole op: loops, loads, body, stores
    inner, ivs = build_loop_nest(builder, (4, 16, 8), ("i", "j", "k"))
    values = emit_body(op, inner, ivs, known={2: acc})   # body at one iteration

`emit_body` loads each operand the body reads through its indexing map (or
takes it from `known`), clones the scalar body, and returns the yielded values;
`lower_structured_op` stores them through the output maps. How a linalg op
becomes loops is described in `convert_linalg_to_affine`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xdsl.builder import Builder
from xdsl.dialects import memref
from xdsl.dialects.builtin import AffineMapAttr, IndexType, MemRefType
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import affine
from nnopt.support.diagnostics import CompileError

IV_NAMES = ("i", "j", "k", "l", "m", "n", "o", "p", "q", "r")


def build_loop_nest(
    builder: Builder, ranges: Sequence[int], names: Sequence[str] = ()
) -> tuple[Builder, list[SSAValue]]:
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


def loop_ranges(op: LinalgStructuredOperation) -> tuple[int, ...]:
    """The static trip count of each loop of `op` (CompileError if unknown)."""
    try:
        ranges = op.get_static_loop_ranges()
    except NotImplementedError as error:
        raise CompileError(f"cannot derive loop ranges: {error}", op) from None
    if any(r < 0 for r in ranges):
        raise CompileError("has dynamic loop ranges; only static shapes are supported", op)
    return ranges


def indexing_maps(op: LinalgStructuredOperation) -> list[AffineMap]:
    return [m.data for m in op.get_indexing_maps()]


def emit_body(
    op: LinalgStructuredOperation,
    inner: Builder,
    ivs: Sequence[SSAValue],
    known: Mapping[int, SSAValue] | None = None,
) -> list[SSAValue]:
    """Insert `op`'s scalar body at `inner` for the iteration `ivs` (one per loop).

    Operand #i is `known[i]` when given; otherwise a scalar operand is used as it
    is and a memref operand the body reads is loaded through its indexing map.
    Returns the values the body yields (one per output), not yet stored.
    """
    known = known or {}
    body = op.body.block
    mapping: dict[SSAValue, SSAValue] = {}
    for index, (arg, operand, index_map) in enumerate(
        zip(body.args, op.operands, indexing_maps(op), strict=True)
    ):
        if index in known:
            mapping[arg] = known[index]
        elif not isinstance(operand.type, MemRefType):
            mapping[arg] = operand  # a scalar operand is used as it is
        elif arg.uses:
            access_map, indices = affine.compress_map(index_map, ivs)
            load = affine.LoadOp(operand, indices, AffineMapAttr(access_map))
            inner.insert(load)
            load.result.name_hint = arg.name_hint
            mapping[arg] = load.result
    for body_op in body.ops:
        if isinstance(body_op, linalg.YieldOp):
            return [mapping.get(value, value) for value in body_op.operands]
        if isinstance(body_op, linalg.IndexOp):
            mapping[body_op.result] = ivs[body_op.dim.value.data]
        else:
            inner.insert(body_op.clone(value_mapper=mapping))
    raise CompileError("has a body without linalg.yield", op)


def store_outputs(
    op: LinalgStructuredOperation, inner: Builder, ivs: Sequence[SSAValue], values: Sequence[SSAValue]
) -> None:
    """Store `values` into `op`'s outputs through their indexing maps."""
    outputs = op.operands[len(op.inputs) :]
    output_maps = indexing_maps(op)[len(op.inputs) :]
    for value, out, out_map in zip(values, outputs, output_maps, strict=True):
        access_map, indices = affine.compress_map(out_map, ivs)
        inner.insert(affine.StoreOp(value, out, indices, AffineMapAttr(access_map)))


def lower_structured_op(op: LinalgStructuredOperation) -> None:
    """Replace a linalg op on memrefs by its affine loop nest."""
    if op.results:
        raise CompileError("operates on tensors; run bufferize first", op)
    ranges = loop_ranges(op)
    inner, ivs = build_loop_nest(Builder(InsertPoint.before(op)), ranges, IV_NAMES)
    store_outputs(op, inner, ivs, emit_body(op, inner, ivs))
    Rewriter.erase_op(op)


def lower_copy(op: memref.CopyOp) -> None:
    """Replace memref.copy by a loop nest of loads and stores."""
    source = op.source.type
    assert isinstance(source, MemRefType)
    shape = source.get_shape()
    inner, ivs = build_loop_nest(Builder(InsertPoint.before(op)), shape, IV_NAMES)
    identity = AffineMapAttr(AffineMap.identity(len(shape)))
    load = affine.LoadOp(op.source, ivs, identity)
    inner.insert(load)
    inner.insert(affine.StoreOp(load.result, op.destination, ivs, identity))
    Rewriter.erase_op(op)
