"""Unroll-and-jam of affine loops (the transformation and its legality check).

    reason = jam_decline_reason(loop)           # None when legal
    main = unroll_and_jam(loop, factor)         # the unrolled loop (None if it did nothing)

Unrolling a loop by F and *jamming* the copies merges the copies of every nested
loop into one loop, so that F iterations of the outer loop run inside each
iteration of the inner ones:

    affine.for %i = 0 to 8 {                   affine.for %i = 0 to 8 step 2 {
      affine.for %k = 0 to 64 {        ->        affine.for %k = 0 to 64 {
        S(%i, %k)                                  S(%i, %k)
      }                                            S(%i + 1, %k)
    }                                            }
                                               }

It is legal when iterations of the loop are independent: every buffer the loop
writes is accessed at one address per iteration, and that address names
different elements in different iterations. Offsets are folded into the access
maps (`%A[%i + 1, %k]`). A remainder runs in an epilogue loop.
"""

from __future__ import annotations

from xdsl.builder import Builder
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import AffineMapAttr, IndexType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import is_side_effect_free as is_pure

from nnopt.dialects import affine
from nnopt.passes.affine_access import (
    AffineAccess,
    access_lanes,
    defined_inside,
    depends_on,
    linear_coefficient,
)
from nnopt.passes.index_expr import Ix, as_map
from nnopt.passes.loop_bounds import offset_bound, trip_count
from nnopt.passes.memory_access import memory_access, root_buffer

_ACCESSES = (xdsl_affine.LoadOp, xdsl_affine.StoreOp, xdsl_affine.VectorLoadOp, xdsl_affine.VectorStoreOp)
_LOADS = (xdsl_affine.LoadOp, xdsl_affine.VectorLoadOp)
_MAPPED = (*_ACCESSES, xdsl_affine.ApplyOp, xdsl_affine.MinOp, affine.MaxOp)


def jam_decline_reason(loop: xdsl_affine.ForOp) -> str | None:
    """Why unroll-and-jam of `loop` may change results (None: it is legal)."""
    iv = loop.body.block.args[0]
    step = loop.step.value.data
    if loop.inits:
        return "it carries values (iter_args)"
    if trip_count(loop) is None:
        return "its trip count is not known"
    by_root: dict[SSAValue, list[Operation]] = {}
    for op in loop.body.walk():
        if op is loop:
            continue
        if isinstance(op, xdsl_affine.ForOp):
            if any(depends_on(v, iv) for v in (*op.lowerBoundOperands, *op.upperBoundOperands)):
                return "an inner loop's bounds depend on its index"
            continue
        if isinstance(op, xdsl_affine.IfOp) and any(depends_on(v, iv) for v in op.args):
            return "a condition depends on its index"
        reads, writes = memory_access(op)
        for value in (*reads, *writes):
            by_root.setdefault(root_buffer(value), []).append(op)
    for root, ops in by_root.items():
        if not any(root in {root_buffer(w) for w in memory_access(op)[1]} for op in ops):
            continue
        if not all(isinstance(op, _ACCESSES) for op in ops):
            return f"it writes %{root.name_hint or 'a buffer'} through an op it cannot analyse"
        accesses: list[AffineAccess] = ops  # type: ignore[assignment]
        if not _iterations_disjoint(loop, accesses, step):
            return f"iterations may touch the same elements of %{root.name_hint or 'a buffer'}, which it writes"
    return None


def _split(access: AffineAccess, subscript: int, iv: SSAValue) -> tuple[int, Ix] | None:
    """Subscript `subscript` of `access` as `c * iv + rest`; None if not linear in iv."""
    ix = Ix.of_map_result(access.map.data, tuple(access.indices), subscript)
    coefficient = 0
    for position, value in enumerate(ix.values):
        if value is iv:
            c = linear_coefficient(ix.expr, position)
            if c is None:
                return None
            coefficient += c
    return coefficient, ix.replaced(iv, 0)


def _iterations_disjoint(loop: xdsl_affine.ForOp, accesses: list[AffineAccess], step: int) -> bool:
    """Whether one subscript alone keeps the elements of different iterations apart.

    That subscript must be `c * iv + rest` in every access, with the same `c`, rests
    that differ by constants and do not change inside the loop, and the spread of
    those constants (plus the vector width in the last subscript) below `c * step`.
    """
    iv = loop.body.block.args[0]
    rank = len(accesses[0].map.data.results)
    lanes = max(access_lanes(a) for a in accesses)
    for subscript in range(rank):
        forms = [_split(a, subscript, iv) for a in accesses]
        if any(f is None for f in forms):
            continue
        splits = [f for f in forms if f is not None]
        coefficients = {c for c, _ in splits}
        if len(coefficients) != 1 or 0 in coefficients:
            continue
        base = splits[0][1]
        _, used = as_map([base])
        if any(defined_inside(v, loop) for v in used):
            continue
        offsets = [(rest - base).constant_value() for _, rest in splits]
        if any(o is None for o in offsets):
            continue
        known = [o for o in offsets if o is not None]
        span = max(known) - min(known) + (lanes if subscript == rank - 1 else 1)
        if abs(coefficients.pop() * step) >= span:
            return True
    return False


def _shift_map(affine_map: AffineMap, operands: list[SSAValue], iv: SSAValue, offset: int) -> AffineMap:
    """`affine_map` with `iv + offset` in place of every operand that is `iv`."""
    dims = [
        AffineExpr.dimension(i) + offset if operands[i] is iv else AffineExpr.dimension(i)
        for i in range(affine_map.num_dims)
    ]
    symbols = [
        AffineExpr.symbol(i) + offset if operands[affine_map.num_dims + i] is iv else AffineExpr.symbol(i)
        for i in range(affine_map.num_symbols)
    ]
    return affine_map.replace_dims_and_symbols(dims, symbols, affine_map.num_dims, affine_map.num_symbols)


class _Jammer:
    """Emits F copies of a block, merging the copies of nested loops."""

    def __init__(self, iv: SSAValue, new_iv: SSAValue, offsets: list[int]) -> None:
        self.iv = iv
        self.offsets = offsets
        self.mappings: list[dict[SSAValue, SSAValue]] = [{iv: new_iv} for _ in offsets]
        self.shifted_iv: dict[int, SSAValue] = {}

    def jam_block(self, block: Block, builder: Builder, yields_to: list[list[SSAValue]] | None) -> None:
        """Copies of straight-line runs are emitted one whole copy after another (which
        keeps few values alive at once), copies of loops are merged into one loop."""
        run: list[Operation] = []
        for op in block.ops:
            if isinstance(op, xdsl_affine.YieldOp | xdsl_affine.ForOp):
                self.emit_run(run, builder)
                run = []
            if isinstance(op, xdsl_affine.YieldOp):
                if yields_to is not None:
                    operands = [self.mappings[t].get(v, v) for t in range(len(self.offsets)) for v in op.operands]
                    builder.insert(affine.YieldOp.get(*operands))
            elif isinstance(op, xdsl_affine.ForOp):
                self.jam_loop(op, builder)
            else:
                run.append(op)
        self.emit_run(run, builder)

    def emit_run(self, run: list[Operation], builder: Builder) -> None:
        for copy, offset in enumerate(self.offsets):
            for op in run:
                if copy and self._same_as_first(op, copy):
                    for result, first in zip(op.results, self._first_results(op), strict=True):
                        self.mappings[copy][result] = first
                    continue
                self.clone(op, builder, copy, offset)

    def _first_results(self, op: Operation) -> list[SSAValue]:
        return [self.mappings[0][r] for r in op.results]

    def _same_as_first(self, op: Operation, copy: int) -> bool:
        """Whether copy `copy` of `op` would compute exactly what copy 0 computed."""
        if op.regions or not op.results or _uses(op, self.iv):
            return False
        if not (isinstance(op, _LOADS) or is_pure(op)):
            return False
        return all(self.mappings[copy].get(v, v) is self.mappings[0].get(v, v) for v in op.operands)

    def clone(self, op: Operation, builder: Builder, copy: int, offset: int) -> None:
        mapping = self.mappings[copy]
        new_iv = self.mappings[0][self.iv]
        if isinstance(op, _MAPPED) and offset and self.iv in op.operands:
            clone = op.clone(value_mapper=mapping)
            shifted = _shift_map(op.map.data, _map_operands(op), self.iv, offset)  # type: ignore[attr-defined]
            clone.properties["map"] = AffineMapAttr(shifted)
        else:
            if offset and _uses(op, self.iv):
                mapping = dict(mapping)
                mapping[self.iv] = self._shifted(builder, new_iv, offset)
            clone = op.clone(value_mapper=mapping)
        builder.insert(clone)
        for old, new in zip(op.results, clone.results, strict=True):
            self.mappings[copy][old] = new

    def _shifted(self, builder: Builder, new_iv: SSAValue, offset: int) -> SSAValue:
        if offset not in self.shifted_iv:
            apply = affine.ApplyOp([new_iv], AffineMapAttr(AffineMap(1, 0, (AffineExpr.dimension(0) + offset,))))
            builder.insert(apply)
            self.shifted_iv[offset] = apply.result
        return self.shifted_iv[offset]

    def jam_loop(self, loop: xdsl_affine.ForOp, builder: Builder) -> None:
        copies = len(self.offsets)
        inits = [self.mappings[t].get(v, v) for t in range(copies) for v in loop.inits]
        carried = list(loop.result_types) * copies
        block = Block(arg_types=[IndexType(), *carried])
        bounds = [self.mappings[0].get(v, v) for v in (*loop.lowerBoundOperands, *loop.upperBoundOperands)]
        n_lower = len(loop.lowerBoundOperands)
        new = affine.ForOp.from_region(
            bounds[:n_lower], bounds[n_lower:], inits, carried,
            loop.lowerBoundMap, loop.upperBoundMap, Region(block), loop.step,
        )
        new.attributes = dict(loop.attributes)
        new.location = loop.location
        builder.insert(new)
        old_args = loop.body.block.args
        block.args[0].name_hint = old_args[0].name_hint
        width = len(loop.inits)
        for t in range(copies):
            self.mappings[t][old_args[0]] = block.args[0]
            for k in range(width):
                self.mappings[t][old_args[1 + k]] = block.args[1 + t * width + k]
        self.jam_block(loop.body.block, Builder(InsertPoint.at_end(block)), [[]])
        for t in range(copies):
            for k, result in enumerate(loop.results):
                self.mappings[t][result] = new.results[t * width + k]


def _map_operands(op: Operation) -> list[SSAValue]:
    if isinstance(op, _ACCESSES):
        return list(op.indices)
    return list(op.operands)


def _uses(op: Operation, value: SSAValue) -> bool:
    """Whether `op` or an op nested in it uses `value`."""
    return any(value in inner.operands for inner in op.walk())


def unroll_and_jam(loop: xdsl_affine.ForOp, factor: int) -> xdsl_affine.ForOp | None:
    """Unroll `loop` by `factor` and jam the copies; the caller checked legality."""
    trip = trip_count(loop)
    if factor < 2 or trip is None or trip < factor:
        return None
    step = loop.step.value.data
    main_trips = trip // factor
    main_end = offset_bound(loop, main_trips * factor * step)
    block = Block(arg_types=[IndexType()])
    block.args[0].name_hint = loop.body.block.args[0].name_hint
    operands = list(loop.lowerBoundOperands)
    main = affine.ForOp.from_region(
        operands, operands, [], [], loop.lowerBoundMap, main_end, Region(block), step * factor
    )
    main.attributes = dict(loop.attributes)
    main.location = loop.location
    builder = Builder(InsertPoint.before(loop))
    builder.insert(main)
    jammer = _Jammer(loop.body.block.args[0], block.args[0], [t * step for t in range(factor)])
    inner = Builder(InsertPoint.at_end(block))
    jammer.jam_block(loop.body.block, inner, None)
    inner.insert(affine.YieldOp.get())
    if main_trips * factor == trip:
        Rewriter.erase_op(loop)
    else:
        loop.properties["lowerBoundMap"] = main_end
    return main
