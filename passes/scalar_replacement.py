"""Holding loop-invariant memory locations in registers across a loop.

    promote_invariant_accesses(loop) -> number of locations promoted

A location (memref + address) that a loop accesses at the same address in every
iteration, with every access in the loop's own body (not in a nested region),
and no other access to the same buffer in the loop, is loaded once before the
loop; if the loop stores it, the value is carried through `iter_args` and stored
once after the loop. Applied from the innermost loop outward, an accumulator moves out of a
whole reduction nest:

    affine.for %k = 0 to 64 {
      %c = affine.vector_load %C[%i, %j] ...
      %s = arith.addf %c, %p : vector<16xf32>
      affine.vector_store %s, %C[%i, %j] ...
    }
becomes
    %c0 = affine.vector_load %C[%i, %j] ...
    %acc = affine.for %k = 0 to 64 iter_args(%c = %c0) -> (vector<16xf32>) {
      %s = arith.addf %c, %p : vector<16xf32>
      affine.yield %s : vector<16xf32>
    }
    affine.vector_store %acc, %C[%i, %j] ...

The loop must run at least once (a known trip count >= 1), so that the
hoisted load reads an address the loop reads anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import affine as xdsl_affine
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import affine
from nnopt.passes.affine_access import AffineAccess, access_pattern, address_groups, defined_inside
from nnopt.passes.loop_bounds import trip_count
from nnopt.passes.memory_access import memory_access, root_buffer

LOADS = (xdsl_affine.LoadOp, xdsl_affine.VectorLoadOp)
STORES = (xdsl_affine.StoreOp, xdsl_affine.VectorStoreOp)


def _promotable_groups(loop: xdsl_affine.ForOp) -> list[list[AffineAccess]]:
    iv = loop.body.block.args[0]
    body = loop.body.block
    by_root: dict[SSAValue, list[Operation]] = {}
    for op in loop.body.walk():
        if op is loop:
            continue
        reads, writes = memory_access(op)
        for value in (*reads, *writes):
            by_root.setdefault(root_buffer(value), []).append(op)
    groups: list[list[AffineAccess]] = []
    for ops in by_root.values():
        if not all(isinstance(op, LOADS + STORES) and op.parent_block() is body for op in ops):
            continue
        by_address = address_groups(ops)  # type: ignore[arg-type]
        if by_address is None:
            continue
        for accesses in by_address:
            first = accesses[0]
            if access_pattern(first, iv).kind != "invariant":
                continue
            if any(defined_inside(v, loop) for v in first.indices) or defined_inside(first.memref, loop):
                continue
            if not _value_type_consistent(accesses):
                continue
            groups.append(accesses)
    return groups


def _value_type_consistent(accesses: Sequence[AffineAccess]) -> bool:
    types = {
        a.result.type if isinstance(a, LOADS) else a.value.type  # type: ignore[union-attr]
        for a in accesses
    }
    return len(types) == 1


def _load_like(access: AffineAccess, builder: Builder) -> SSAValue:
    """A load of the location `access` names, inserted at `builder`."""
    value_type = access.result.type if isinstance(access, LOADS) else access.value.type  # type: ignore[union-attr]
    if isinstance(access, xdsl_affine.VectorLoadOp | xdsl_affine.VectorStoreOp):
        load: Operation = affine.VectorLoadOp(access.memref, list(access.indices), access.map, value_type)  # type: ignore[arg-type]
    else:
        load = affine.LoadOp(access.memref, list(access.indices), access.map, value_type)
    builder.insert(load)
    return load.results[0]


def _store_like(access: AffineAccess, value: SSAValue, builder: Builder) -> None:
    if isinstance(access, xdsl_affine.VectorLoadOp | xdsl_affine.VectorStoreOp):
        store: Operation = affine.VectorStoreOp(value, access.memref, list(access.indices), access.map)  # type: ignore[arg-type]
    else:
        store = affine.StoreOp(value, access.memref, list(access.indices), access.map)
    builder.insert(store)


def promote_invariant_accesses(loop: xdsl_affine.ForOp) -> tuple[xdsl_affine.ForOp, int]:
    """Promote every promotable location of `loop`; returns the (new) loop and the count."""
    trip = trip_count(loop)
    if trip is None or trip < 1:
        return loop, 0
    groups = _promotable_groups(loop)
    if not groups:
        return loop, 0
    before = Builder(InsertPoint.before(loop))
    read_only = [g for g in groups if not any(isinstance(a, STORES) for a in g)]
    for group in read_only:
        # loaded once before the loop; nothing to carry
        value = _load_like(group[0], before)
        value.name_hint = group[0].results[0].name_hint
        for access in group:
            access.results[0].replace_all_uses_with(value)
            Rewriter.erase_op(access)
    groups = [g for g in groups if g not in read_only]
    if not groups:
        return loop, len(read_only)
    inits = [_load_like(group[0], before) for group in groups]
    for init, group in zip(inits, groups, strict=True):
        first = group[0]
        init.name_hint = first.results[0].name_hint if isinstance(first, LOADS) else None
    old_block = loop.body.block
    old_yield = old_block.last_op
    assert isinstance(old_yield, xdsl_affine.YieldOp)
    carried_types = [init.type for init in inits]
    new_block = Block(arg_types=[old_block.args[0].type, *(a.type for a in old_block.args[1:]), *carried_types])
    new_loop = affine.ForOp.from_region(
        list(loop.lowerBoundOperands),
        list(loop.upperBoundOperands),
        [*loop.inits, *inits],
        [*loop.result_types, *carried_types],
        loop.lowerBoundMap,
        loop.upperBoundMap,
        Region(new_block),
        loop.step,
    )
    new_loop.attributes = dict(loop.attributes)
    new_loop.location = loop.location
    before.insert(new_loop)
    for old_arg, new_arg in zip(old_block.args, new_block.args, strict=False):
        old_arg.replace_all_uses_with(new_arg)
        new_arg.name_hint = old_arg.name_hint
    n_old = len(old_block.args)
    current: dict[int, SSAValue] = {i: new_block.args[n_old + i] for i in range(len(groups))}
    group_of: dict[Operation, int] = {op: i for i, group in enumerate(groups) for op in group}
    for op in list(old_block.ops):
        op.detach()
        if op in group_of:
            index = group_of[op]
            if isinstance(op, LOADS):
                op.results[0].replace_all_uses_with(current[index])
            else:
                current[index] = op.value  # type: ignore[attr-defined]
            op.erase()
            continue
        if op is old_yield:
            new_block.add_op(affine.YieldOp.get(*op.operands, *(current[i] for i in range(len(groups)))))
            op.erase()
            continue
        new_block.add_op(op)
    for old_result, new_result in zip(loop.results, new_loop.results, strict=False):
        old_result.replace_all_uses_with(new_result)
    after = Builder(InsertPoint.after(new_loop))
    carried = new_loop.results[len(loop.results) :]
    for group, value in zip(groups, carried, strict=True):
        stores = [a for a in group if isinstance(a, STORES)]
        if stores:
            _store_like(stores[-1], value, after)
    Rewriter.erase_op(loop)
    return new_loop, len(groups) + len(read_only)


def promote_in_nest(loop: xdsl_affine.ForOp) -> tuple[xdsl_affine.ForOp, int]:
    """Promote from the innermost loops of `loop`'s nest outward, `loop` last."""
    total = 0
    for inner in [op for op in loop.body.walk() if isinstance(op, xdsl_affine.ForOp)][::-1]:
        if inner is loop:
            continue
        _, count = promote_invariant_accesses(inner)
        total += count
    loop, count = promote_invariant_accesses(loop)
    return loop, total + count
