"""Fusion groups: linalg ops marked `nnopt.fusion_group = N` emitted as ONE loop nest.

A group (what graph.fused lowers to) is, in program order: elementwise ops that
initialise the accumulator (a linalg.fill, a bias broadcast), one contraction
(the op with reduction loops), and elementwise ops over its output (the
epilogue). On memrefs:

    linalg.fill ins(%zero) outs(%acc)                                 {nnopt.fusion_group = 0}
    linalg.generic {(m, n, k) -> (m, k), (k, n), (m, n)} ins(%A, %B) outs(%acc) {+= *}  {... = 0}
    linalg.generic {(m, n) -> (m, n), (n), (m, n)} ins(%acc, %bias) outs(%out) {+}      {... = 0}
    linalg.generic {(m, n) -> (m, n), (m, n)} ins(%out) outs(%out) {relu}               {... = 0}
becomes
    affine.for %i = 0 to 4 {
      affine.for %j = 0 to 16 {
        %acc = affine.for %k = 0 to 8 iter_args(%a = %zero) -> (f32) {
          ... %s = %a + %A[%i, %k] * %B[%k, %j]
          affine.yield %s : f32
        }
        %b = affine.load %bias[%j] ; %v = %acc + %b ; %r = max(%v, 0)
        affine.store %r, %out[%i, %j]
      }
    }

Values stay in registers from op to op; a buffer is stored only if something
outside the group reads it, and intermediate allocations left unused are freed.
It is legal when every op but the contraction runs over the output's index
space, each op reads the buffers the group writes at the output index only (the
contraction reads none of them except its accumulator), those buffers do not
overlap other buffers the group touches, and no op between the group's ops uses
its buffers. Otherwise `plan_group` says why and the ops are lowered one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from xdsl.builder import Builder
from xdsl.dialects import memref
from xdsl.dialects.builtin import AffineMapAttr, IndexType, IntegerAttr, MemRefType, ModuleOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import affine
from nnopt.lowering.linalg_loops import (
    IV_NAMES,
    build_loop_nest,
    emit_body,
    indexing_maps,
    loop_ranges,
)
from nnopt.support.diagnostics import emit_remark

FUSION_GROUP_ATTR = "nnopt.fusion_group"
"""Integer attribute on linalg ops: the ops with the same value form one fusion group."""

_VIEW_OPS = (
    memref.SubviewOp,
    memref.ExpandShapeOp,
    memref.CollapseShapeOp,
    memref.CastOp,
    memref.ReinterpretCastOp,
)


def fusion_group(op: Operation) -> int | None:
    """The fusion group `op` belongs to, if any."""
    attr = op.attributes.get(FUSION_GROUP_ATTR)
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def buffer_root(value: SSAValue) -> SSAValue:
    """The allocation or argument a memref value is a view of."""
    while isinstance(value.owner, _VIEW_OPS):
        value = value.owner.operands[0]
    return value


class NotFusable(Exception):
    """Why a group cannot be one loop nest."""


@dataclass
class FusedNest:
    """A legal group: what to emit, and the buffers it writes."""

    prologue: list[LinalgStructuredOperation]
    contraction: LinalgStructuredOperation
    epilogue: list[LinalgStructuredOperation]
    output_dims: list[int]
    """For each dim of the output, the contraction loop that indexes it."""
    written: list[SSAValue] = field(default_factory=list)

    def members(self) -> list[LinalgStructuredOperation]:
        return [*self.prologue, self.contraction, *self.epilogue]


def _is_reduction(op: LinalgStructuredOperation) -> bool:
    return any(it.data == IteratorType.REDUCTION for it in op.get_iterator_types())


def _output_shape(op: LinalgStructuredOperation) -> tuple[int, ...]:
    out_type = op.outputs[0].type
    if not isinstance(out_type, MemRefType):
        raise NotFusable(f"'{op.name}' does not write a buffer")
    return tuple(out_type.get_shape())


def _output_dims(contraction: LinalgStructuredOperation) -> list[int]:
    """The contraction loop of each output dim; its output must be indexed by all parallel loops."""
    if len(contraction.outputs) != 1:
        raise NotFusable("the contraction has several outputs")
    out_map = indexing_maps(contraction)[-1]
    parallel = [
        i for i, it in enumerate(contraction.get_iterator_types())
        if it.data == IteratorType.PARALLEL
    ]
    dims = [e.position for e in out_map.results if isinstance(e, AffineDimExpr)]
    if len(dims) != len(out_map.results) or sorted(dims) != parallel:
        raise NotFusable("the contraction's output is not indexed by exactly its parallel loops")
    return dims


def _check_elementwise(op: LinalgStructuredOperation, shape: tuple[int, ...]) -> None:
    """`op` computes one output elementwise over the contraction's output shape."""
    if len(op.outputs) != 1:
        raise NotFusable(f"'{op.name}' has several outputs")
    if indexing_maps(op)[-1] != AffineMap.identity(len(shape)) or loop_ranges(op) != shape:
        raise NotFusable(f"'{op.name}' does not run over the contraction's output elementwise")


def _check_reads(nest: FusedNest, written_roots: set[SSAValue]) -> None:
    """Buffers the group writes are read only at the output index, and never overlap."""
    written = set(nest.written)
    for member in nest.members():
        maps = indexing_maps(member)
        rank = len(maps[-1].results)
        n_inputs = len(member.inputs)
        for index, (operand, arg) in enumerate(
            zip(member.operands, member.body.block.args, strict=True)
        ):
            if not isinstance(operand.type, MemRefType):
                continue
            if buffer_root(operand) not in written_roots:
                continue
            if operand not in written:
                raise NotFusable(f"'{member.name}' reads a view of a buffer the group writes")
            is_output = index >= n_inputs
            if is_output and not arg.uses:
                continue
            if member is nest.contraction:
                if not is_output:
                    raise NotFusable(
                        "the contraction reads a buffer the group writes (at other indices)"
                    )
            elif maps[index] != AffineMap.identity(rank):
                raise NotFusable(
                    f"'{member.name}' reads a buffer the group writes at another index"
                )


def _check_between(members: Sequence[Operation], roots: set[SSAValue]) -> None:
    """No op between the group's ops uses a buffer the group touches."""
    inside = set(members)
    op = members[0].next_op
    while op is not None and op is not members[-1]:
        if op not in inside and any(
            isinstance(v.type, MemRefType) and buffer_root(v) in roots for v in op.operands
        ):
            raise NotFusable(f"'{op.name}' between the group's ops uses its buffers")
        op = op.next_op


def plan_group(members: Sequence[LinalgStructuredOperation]) -> FusedNest:
    """The fused nest of a group (ops in program order, on memrefs), or NotFusable."""
    block = members[0].parent_block()
    if any(op.parent_block() is not block for op in members):
        raise NotFusable("the group's ops are not in one block")
    reductions = [i for i, op in enumerate(members) if _is_reduction(op)]
    if len(reductions) != 1:
        raise NotFusable(f"the group has {len(reductions)} reductions, expected one contraction")
    position = reductions[0]
    contraction = members[position]
    nest = FusedNest(
        list(members[:position]), contraction, list(members[position + 1 :]),
        _output_dims(contraction),
    )
    shape = _output_shape(contraction)
    for op in [*nest.prologue, *nest.epilogue]:
        _check_elementwise(op, shape)
    nest.written = list(dict.fromkeys(op.outputs[0] for op in nest.members()))
    written_roots = {buffer_root(b) for b in nest.written}
    if len(written_roots) != len(nest.written):
        raise NotFusable("the group writes overlapping views of one buffer")
    _check_reads(nest, written_roots)
    touched = {
        buffer_root(v)
        for op in members
        for v in op.operands
        if isinstance(v.type, MemRefType)
    }
    _check_between(members, touched)
    return nest


def _read_outside(buffer: SSAValue, members: set[Operation]) -> bool:
    """Whether anything but the group and deallocations may read `buffer` later."""
    if not isinstance(buffer.owner, memref.AllocOp):
        return True
    return any(
        use.operation not in members and not isinstance(use.operation, memref.DeallocOp)
        for use in buffer.uses
    )


def _reduction_loops(
    builder: Builder,
    contraction: LinalgStructuredOperation,
    ivs: dict[int, SSAValue],
    dims: Sequence[int],
    init: SSAValue,
    names: Iterator[str],
) -> SSAValue:
    """The contraction's reduction loops around its body, the accumulator in `iter_args`."""
    ranges = loop_ranges(contraction)
    all_ivs = dict(ivs)
    loops: list[affine.ForOp] = []
    carried = init
    for dim in dims:
        block = Block(arg_types=[IndexType(), init.type])
        block.args[0].name_hint = next(names, None)
        block.args[1].name_hint = "acc"
        loop = affine.ForOp.from_region([], [], [carried], [init.type], 0, ranges[dim], Region(block))
        builder.insert(loop)
        loops.append(loop)
        all_ivs[dim] = block.args[0]
        carried = block.args[1]
        builder = Builder(InsertPoint.at_end(block))
    body_ivs = [all_ivs[d] for d in range(len(ranges))]
    [value] = emit_body(contraction, builder, body_ivs, {len(contraction.inputs): carried})
    builder.insert(affine.YieldOp.get(value))
    for outer, inner in pairwise(loops):
        Builder(InsertPoint.at_end(outer.body.block)).insert(affine.YieldOp.get(inner.results[0]))
    return loops[0].results[0]


def emit_fused_nest(nest: FusedNest) -> None:
    """Replace the group's ops by one loop nest (at the last op's position)."""
    members = nest.members()
    contraction = nest.contraction
    ranges = loop_ranges(contraction)
    iterators = [it.data for it in contraction.get_iterator_types()]
    parallel = [i for i, it in enumerate(iterators) if it == IteratorType.PARALLEL]
    reduction = [i for i, it in enumerate(iterators) if it == IteratorType.REDUCTION]
    names = iter(IV_NAMES)
    inner, parallel_ivs = build_loop_nest(
        Builder(InsertPoint.before(members[-1])),
        [ranges[d] for d in parallel],
        [next(names, "p") for _ in parallel],
    )
    ivs = dict(zip(parallel, parallel_ivs, strict=True))
    output_ivs = [ivs[d] for d in nest.output_dims]
    at_output = AffineMapAttr(AffineMap.identity(len(output_ivs)))
    current: dict[SSAValue, SSAValue] = {}

    def run_elementwise(op: LinalgStructuredOperation) -> None:
        known = {i: current[v] for i, v in enumerate(op.operands) if v in current}
        [value] = emit_body(op, inner, output_ivs, known)
        current[op.outputs[0]] = value

    for op in nest.prologue:
        run_elementwise(op)
    accumulator = contraction.outputs[0]
    init = current.get(accumulator)
    if init is None:
        load = affine.LoadOp(accumulator, output_ivs, at_output)
        inner.insert(load)
        init = load.result
    current[accumulator] = _reduction_loops(inner, contraction, ivs, reduction, init, names)
    for op in nest.epilogue:
        run_elementwise(op)
    inside: set[Operation] = set(members)
    for buffer in nest.written:
        if _read_outside(buffer, inside):
            inner.insert(affine.StoreOp(current[buffer], buffer, output_ivs, at_output))
    for op in reversed(members):
        Rewriter.erase_op(op)
    for buffer in nest.written:
        _free_if_unused(buffer)


def _free_if_unused(buffer: SSAValue) -> None:
    """Erase an allocation that only deallocations still use."""
    alloc = buffer.owner
    if not isinstance(alloc, memref.AllocOp):
        return
    if any(not isinstance(use.operation, memref.DeallocOp) for use in buffer.uses):
        return
    for use in list(buffer.uses):
        Rewriter.erase_op(use.operation)
    Rewriter.erase_op(alloc)


def _groups(module: ModuleOp) -> list[list[LinalgStructuredOperation]]:
    """The marked ops of each group, in program order."""
    groups: dict[tuple[Block | None, int], list[LinalgStructuredOperation]] = {}
    for op in module.walk():
        group = fusion_group(op)
        if group is not None and isinstance(op, LinalgStructuredOperation):
            groups.setdefault((op.parent_block(), group), []).append(op)
    return list(groups.values())


def lower_fusion_groups(module: ModuleOp) -> None:
    """Emit every legal fusion group of `module` as one nest; remark on the others."""
    for members in _groups(module):
        if any(op.results for op in members):
            continue  # still on tensors: lowering each op reports it
        try:
            nest = plan_group(members)
        except NotFusable as reason:
            anchor = next((op for op in members if _is_reduction(op)), members[0])
            emit_remark(anchor, f"not fused into one loop nest: {reason}")
            continue
        emit_fused_nest(nest)


__all__ = [
    "FUSION_GROUP_ATTR",
    "FusedNest",
    "NotFusable",
    "buffer_root",
    "fusion_group",
    "lower_fusion_groups",
    "plan_group",
]

