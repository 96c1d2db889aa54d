"""affine-vectorize: SIMD loops become vector ops of the target's width.

A loop is vectorized when every access in its body is contiguous or invariant in
its index, every buffer it writes is accessed at one address per iteration (so
iterations are independent), and its body holds only affine loads/stores, nested
loops whose bounds do not depend on it, and arith/math ops. Contiguous loads and
stores become `affine.vector_load/store`, invariant values are broadcast, and an
invariant load-combine-store (`s[0] += x[i]`) becomes a vector accumulator
reduced after the loop (this reassociates; `reductions=false` declines instead).
The remainder runs in an epilogue loop, itself vectorized with half-width vectors
when it is at least half a vector long (56 = 3 x 16 + 8 on AVX-512). A loop
shorter than a vector is vectorized with the narrower vectors it fills (4
iterations: vector<4xf32>), but only when no loop of its nest can take full
vectors.

    affine.for %j = 0 to 64 {
      %b = affine.load %B[%k, %j] : memref<64x64xf32>
      %c = affine.load %C[%i, %j] : memref<64x64xf32>
      %s = arith.addf %c, %b : f32
      affine.store %s, %C[%i, %j] : memref<64x64xf32>
    }
becomes
    affine.for %j = 0 to 64 step 16 {
      %b = affine.vector_load %B[%k, %j] : memref<64x64xf32>, vector<16xf32>
      %c = affine.vector_load %C[%i, %j] : memref<64x64xf32>, vector<16xf32>
      %s = arith.addf %c, %b : vector<16xf32>
      affine.vector_store %s, %C[%i, %j] : memref<64x64xf32>, vector<16xf32>
    } {nnopt.vectorized}

For each innermost loop, a loop of its nest marked `nnopt.simd` is the candidate;
in nests without marks the innermost loop and then its enclosing loops are tried,
and the innermost legal loop with a contiguous access is vectorized (outer-loop
vectorization when the innermost loop walks memory with a stride). Declined loops
get a remark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import takewhile

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects import arith, vector
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    DenseIntOrFPElementsAttr,
    Float64Type,
    IndexType,
    IntegerType,
    ModuleOp,
    UnitAttr,
    VectorType,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import affine
from nnopt.dialects.vector import make_reduction
from nnopt.passes import marks
from nnopt.passes.affine_access import (
    AffineAccess,
    access_pattern,
    address_groups,
    defined_inside,
    depends_on,
)
from nnopt.passes.loop_bounds import offset_bound, trip_count
from nnopt.passes.memory_access import root_buffer
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import emit_remark

SIMD_ATTR = marks.SIMD
VECTORIZED_ATTR = marks.VECTORIZED

# combine op -> (vector.reduction kind, identity)
REDUCTION_KINDS: dict[type[Operation], tuple[str, float]] = {
    arith.AddfOp: ("add", 0.0),
    arith.MulfOp: ("mul", 1.0),
    arith.MaximumfOp: ("maximumf", float("-inf")),
    arith.MinimumfOp: ("minimumf", float("inf")),
    arith.MaxnumfOp: ("maxnumf", float("-inf")),
    arith.MinnumfOp: ("minnumf", float("inf")),
}


class Decline(Exception):
    """Why a loop cannot be vectorized."""


@dataclass
class Reduction:
    load: xdsl_affine.LoadOp
    combine: Operation
    store: xdsl_affine.StoreOp
    kind: str
    identity: float


@dataclass
class Plan:
    loop: xdsl_affine.ForOp
    lanes: int
    element: Attribute
    contiguous: set[Operation] = field(default_factory=set)
    reductions: list[Reduction] = field(default_factory=list)
    allow_reductions: bool = True


def _body_ops(loop: xdsl_affine.ForOp) -> list[Operation]:
    return [op for op in loop.body.walk() if op is not loop]


def _is_scalar(type_: Attribute) -> bool:
    return isinstance(type_, AnyFloat | IntegerType | IndexType)


MIN_VECTOR_BITS = 128
"""The narrowest vectors used for a short loop (4 floats, 2 doubles)."""


def analyse(
    loop: xdsl_affine.ForOp, width_bits: int, allow_reductions: bool, fit_short: bool = False
) -> Plan:
    """A vectorization plan for `loop`, or Decline with the reason.

    With `fit_short`, a loop shorter than a vector gets the widest narrower
    vectors it fills (at least MIN_VECTOR_BITS): 4 iterations, vector<4xf32>."""
    iv = loop.body.block.args[0]
    if loop.step.value.data != 1:
        raise Decline("its step is not 1")
    if loop.inits:
        raise Decline("it carries values (iter_args)")
    accesses: list[AffineAccess] = []
    element: Attribute | None = None
    plan = Plan(loop, 0, IndexType(), allow_reductions=allow_reductions)
    for op in _body_ops(loop):
        if isinstance(op, xdsl_affine.ForOp):
            bounds = [*op.lowerBoundOperands, *op.upperBoundOperands]
            if any(depends_on(v, iv) for v in bounds):
                raise Decline("an inner loop's bounds depend on its index")
            if not all(isinstance(t, AnyFloat) for t in op.result_types):
                raise Decline("an inner loop carries values that are not floats")
        elif isinstance(op, xdsl_affine.YieldOp):
            continue
        elif isinstance(op, xdsl_affine.LoadOp | xdsl_affine.StoreOp):
            pattern = access_pattern(op, iv)
            if pattern.kind in ("strided", "indirect"):
                raise Decline(f"an access to {_name(op.memref)} is {pattern.kind} in its index")
            if pattern.kind == "contiguous":
                value_type = op.result.type if isinstance(op, xdsl_affine.LoadOp) else op.value.type
                if not isinstance(value_type, AnyFloat):
                    raise Decline(f"a contiguous access of {value_type} elements")
                if element is not None and element != value_type:
                    raise Decline(f"it mixes {element} and {value_type} elements")
                element = value_type
                plan.contiguous.add(op)
            accesses.append(op)
        elif isinstance(op, xdsl_affine.ApplyOp | xdsl_affine.MinOp | affine.MaxOp):
            if depends_on(op.results[0], iv):
                raise Decline("an index computation depends on its index")
        elif op.dialect_name() in ("arith", "math") and all(
            _is_scalar(v.type) for v in (*op.operands, *op.results)
        ):
            if any(isinstance(r.type, IntegerType | IndexType) for r in op.results) and any(
                depends_on(v, iv) for v in op.operands
            ):
                raise Decline(f"'{op.name}' uses its index as a value")
        else:
            raise Decline(f"its body holds '{op.name}'")
    if element is None:
        raise Decline("no access is contiguous in its index")
    plan.element = element
    bits = 64 if isinstance(element, Float64Type) else 32
    plan.lanes = max(width_bits // bits, 1)
    if plan.lanes < 2:
        raise Decline("the target has no vectors for its element type")
    _check_dependences(plan, accesses, iv, allow_reductions)
    trip = trip_count(loop)
    if trip is not None and trip < plan.lanes:
        fitted = 1 << (trip.bit_length() - 1) if trip > 0 else 0
        if not fit_short or fitted * bits < MIN_VECTOR_BITS:
            raise Decline(f"its trip count {trip} is below the vector width {plan.lanes}")
        plan.lanes = fitted
    return plan


def _name(value: SSAValue) -> str:
    return f"%{value.name_hint}" if value.name_hint else "a buffer"


def _check_dependences(plan: Plan, accesses: list[AffineAccess], iv: SSAValue, allow_reductions: bool) -> None:
    """Iterations are independent but for reductions into invariant locations.

    A written buffer is either accessed at one address that moves with the index
    (an elementwise update), or only at invariant addresses that never overlap;
    an invariant address that is written is a reduction.
    """
    written = {root_buffer(a.memref) for a in accesses if isinstance(a, xdsl_affine.StoreOp)}
    for root in written:
        groups = address_groups([a for a in accesses if root_buffer(a.memref) is root])
        if groups is None:
            raise Decline(f"it accesses {_name(root)}, which it writes, at several addresses")
        moving = [g for g in groups if g[0] in plan.contiguous]
        invariant = [g for g in groups if g[0] not in plan.contiguous]
        if len(moving) > 1 or (moving and invariant):
            # another iteration may reach an address this one uses
            raise Decline(f"it accesses {_name(root)}, which it writes, at several addresses")
        for group in invariant:
            if any(isinstance(a, xdsl_affine.StoreOp) for a in group):
                plan.reductions.append(_reduction(plan.loop, group, allow_reductions))


def _reduction(loop: xdsl_affine.ForOp, group: list[AffineAccess], allowed: bool) -> Reduction:
    loads = [a for a in group if isinstance(a, xdsl_affine.LoadOp)]
    stores = [a for a in group if isinstance(a, xdsl_affine.StoreOp)]
    buffer = _name(group[0].memref)
    if len(loads) != 1 or len(stores) != 1:
        raise Decline(f"it writes {buffer} at the same address in every iteration")
    load, store = loads[0], stores[0]
    combine = store.value.owner
    if not isinstance(combine, Operation) or type(combine) not in REDUCTION_KINDS:
        raise Decline(f"its updates of {buffer} are not a reduction it knows")
    if load.result not in combine.operands or len(list(load.result.uses)) != 1:
        raise Decline(f"its updates of {buffer} are not a reduction it knows")
    other = next(v for v in combine.operands if v is not load.result)
    if depends_on(other, load.result):
        raise Decline(f"its updates of {buffer} are not a reduction it knows")
    for op in (load, combine, store):
        if op.parent_block() is not loop.body.block:
            raise Decline(f"its reduction into {buffer} is inside an inner loop")
    if any(defined_inside(v, loop) for v in load.indices):
        raise Decline(f"the address of its reduction into {buffer} is computed inside it")
    if not allowed:
        raise Decline(f"vectorizing the reduction into {buffer} reassociates it (reductions=false)")
    kind, identity = REDUCTION_KINDS[type(combine)]
    return Reduction(load, combine, store, kind, identity)


# -- the transformation ----------------------------------------------------------------


class VectorCloner:
    """Clones a loop body with the vector index, widening values that vary with it."""

    def __init__(self, plan: Plan, builder: Builder) -> None:
        self.plan = plan
        self.builder = builder
        self.mapping: dict[SSAValue, SSAValue] = {}
        self.skipped: set[Operation] = set()
        self.accumulators: dict[Operation, SSAValue] = {}
        for reduction in plan.reductions:
            self.skipped.update({reduction.load, reduction.store})

    def vector_type(self, type_: Attribute) -> VectorType:
        return VectorType(type_, [self.plan.lanes])

    def widen(self, value: SSAValue) -> SSAValue:
        mapped = self.mapping.get(value, value)
        if isinstance(mapped.type, VectorType):
            return mapped
        broadcast = vector.BroadcastOp(mapped, self.vector_type(mapped.type))
        self.builder.insert(broadcast)
        return broadcast.vector

    def clone_block(self, block: Block) -> None:
        for op in block.ops:
            if isinstance(op, xdsl_affine.YieldOp) or op in self.skipped:
                continue
            self.clone_op(op)

    def clone_op(self, op: Operation) -> None:
        if isinstance(op, xdsl_affine.ForOp):
            self.clone_loop(op)
        elif op in self.plan.contiguous:
            self.clone_contiguous(op)
        elif any(isinstance(self.mapping.get(v, v).type, VectorType) for v in op.operands) or (
            op in self.accumulators
        ):
            self.clone_widened(op)
        else:
            clone = op.clone(value_mapper=self.mapping)
            self.builder.insert(clone)
            for old, new in zip(op.results, clone.results, strict=True):
                self.mapping[old] = new

    def clone_loop(self, loop: xdsl_affine.ForOp) -> None:
        """The loop with the same bounds; values it carries become vectors."""
        carried = [self.vector_type(t) for t in loop.result_types]
        block = Block(arg_types=[IndexType(), *carried])
        lower = [self.mapping.get(v, v) for v in loop.lowerBoundOperands]
        upper = [self.mapping.get(v, v) for v in loop.upperBoundOperands]
        inits = [self.widen(v) for v in loop.inits]
        new = affine.ForOp.from_region(
            lower, upper, inits, carried, loop.lowerBoundMap, loop.upperBoundMap, Region(block), loop.step
        )
        new.attributes = dict(loop.attributes)
        self.builder.insert(new)
        for old_arg, new_arg in zip(loop.body.block.args, block.args, strict=True):
            self.mapping[old_arg] = new_arg
            new_arg.name_hint = old_arg.name_hint
        outer = self.builder
        self.builder = Builder(InsertPoint.at_end(block))
        self.clone_block(loop.body.block)
        old_yield = loop.body.block.last_op
        assert isinstance(old_yield, xdsl_affine.YieldOp)
        self.builder.insert(affine.YieldOp.get(*(self.widen(v) for v in old_yield.operands)))
        self.builder = outer
        for old_result, new_result in zip(loop.results, new.results, strict=True):
            self.mapping[old_result] = new_result

    def clone_contiguous(self, op: Operation) -> None:
        assert isinstance(op, xdsl_affine.LoadOp | xdsl_affine.StoreOp)
        indices = [self.mapping.get(v, v) for v in op.indices]
        if isinstance(op, xdsl_affine.LoadOp):
            load = affine.VectorLoadOp(op.memref, indices, op.map, self.vector_type(op.result.type))  # type: ignore[arg-type]
            self.builder.insert(load)
            load.result.name_hint = op.result.name_hint
            self.mapping[op.result] = load.result
        else:
            assert isinstance(op, xdsl_affine.StoreOp)
            store = affine.VectorStoreOp(self.widen(op.value), op.memref, indices, op.map)  # type: ignore[arg-type]
            self.builder.insert(store)

    def clone_widened(self, op: Operation) -> None:
        if op in self.accumulators:
            reduction = next(r for r in self.plan.reductions if r.combine is op)
            other = next(v for v in op.operands if v is not reduction.load.result)
            operands = [self.accumulators[op], self.widen(other)]
        else:
            operands = [self.widen(v) for v in op.operands]
        new = type(op).create(
            operands=operands,
            result_types=[self.vector_type(r.type) for r in op.results],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
        )
        self.builder.insert(new)
        for old, result in zip(op.results, new.results, strict=True):
            result.name_hint = old.name_hint
            self.mapping[old] = result


def _single_bound(builder: Builder, bound_map: AffineMap, operands: list[SSAValue], upper: bool) -> SSAValue:
    """The value of a (possibly multi-result) loop bound, as an index value."""
    if len(bound_map.results) == 1:
        op: Operation = affine.ApplyOp(operands, AffineMapAttr(bound_map))
    elif upper:
        op = affine.MinOp(operands, AffineMapAttr(bound_map))
    else:
        op = affine.MaxOp(operands, AffineMapAttr(bound_map))
    builder.insert(op)
    return op.results[0]


def vectorize(plan: Plan) -> xdsl_affine.ForOp:
    """Rewrite the planned loop; returns the new vector loop."""
    loop = plan.loop
    lanes = plan.lanes
    before = Builder(InsertPoint.before(loop))
    trip = trip_count(loop)
    symbol = AffineMapAttr(AffineMap(0, 1, (AffineExpr.symbol(0),)))
    if trip is not None:
        operands = list(loop.lowerBoundOperands)
        main_end = offset_bound(loop, trip // lanes * lanes)
        lower: tuple[AffineMapAttr, list[SSAValue]] = (loop.lowerBoundMap, operands)
        main_upper: tuple[AffineMapAttr, list[SSAValue]] = (main_end, operands)
        epilogue_lower = main_upper if trip % lanes else None
    else:
        lb = _single_bound(before, loop.lowerBoundMap.data, list(loop.lowerBoundOperands), False)
        ub = _single_bound(before, loop.upperBoundMap.data, list(loop.upperBoundOperands), True)
        s0, s1 = AffineExpr.symbol(0), AffineExpr.symbol(1)
        end_map = AffineMap(0, 2, (s0, s0 + ((s1 - s0) // lanes) * lanes))
        end = affine.MaxOp([lb, ub], AffineMapAttr(end_map))
        before.insert(end)
        lower = (symbol, [lb])
        main_upper = (symbol, [end.result])
        epilogue_lower = main_upper
    element = plan.element
    inits: list[SSAValue] = []
    for reduction in plan.reductions:
        splat = DenseIntOrFPElementsAttr.from_list(VectorType(element, [lanes]), [reduction.identity] * lanes)  # type: ignore[type-var]
        init = arith.ConstantOp(splat)  # type: ignore[arg-type]
        before.insert(init)
        inits.append(init.result)
    block = Block(arg_types=[IndexType(), *(VectorType(element, [lanes]) for _ in inits)])
    block.args[0].name_hint = loop.body.block.args[0].name_hint
    vector_loop = affine.ForOp.from_region(
        lower[1], main_upper[1], inits, [v.type for v in inits], lower[0], main_upper[0], Region(block), lanes
    )
    before.insert(vector_loop)
    vector_loop.location = loop.location
    vector_loop.attributes = {k: v for k, v in loop.attributes.items() if k != SIMD_ATTR}
    vector_loop.attributes[VECTORIZED_ATTR] = UnitAttr()
    cloner = VectorCloner(plan, Builder(InsertPoint.at_end(block)))
    cloner.mapping[loop.body.block.args[0]] = block.args[0]
    for reduction, accumulator in zip(plan.reductions, block.args[1:], strict=True):
        accumulator.name_hint = f"{reduction.store.memref.name_hint or 'acc'}_acc"
        cloner.accumulators[reduction.combine] = accumulator
    cloner.clone_block(loop.body.block)
    cloner.builder.insert(affine.YieldOp.get(*(cloner.mapping[r.combine.results[0]] for r in plan.reductions)))
    after = Builder(InsertPoint.before(loop))
    for reduction, total in zip(plan.reductions, vector_loop.results, strict=True):
        reduced = make_reduction(total, reduction.kind)
        after.insert(reduced)
        old = reduction.load.clone()
        after.insert(old)
        operands = [old.results[0] if v is reduction.load.result else reduced.dest for v in reduction.combine.operands]
        combined = type(reduction.combine).create(
            operands=operands,
            result_types=[element],
            properties=dict(reduction.combine.properties),
        )
        after.insert(combined)
        after.insert(affine.StoreOp(combined.results[0], reduction.store.memref, list(reduction.store.indices), reduction.store.map))
    if epilogue_lower is not None:
        epilogue = affine.ForOp.from_region(
            epilogue_lower[1],
            list(loop.upperBoundOperands),
            [],
            [],
            epilogue_lower[0],
            loop.upperBoundMap,
            Rewriter.move_region_contents_to_new_regions(loop.body),
            1,
        )
        epilogue.attributes = {k: v for k, v in loop.attributes.items() if k != SIMD_ATTR}
        epilogue.location = loop.location
        after.insert(epilogue)
        _vectorize_remainder(epilogue, plan)
    Rewriter.erase_op(loop)
    return vector_loop


def _vectorize_remainder(epilogue: xdsl_affine.ForOp, plan: Plan) -> None:
    """Run a remainder of at least half a vector with half-width vectors."""
    half = plan.lanes // 2
    trip = trip_count(epilogue)
    if half < 4 or trip is None or trip < half:
        return
    bits = 64 if isinstance(plan.element, Float64Type) else 32
    try:
        narrow = analyse(epilogue, half * bits, plan.allow_reductions)
    except Decline:
        return
    vectorize(narrow)


def _loops(module: ModuleOp) -> list[xdsl_affine.ForOp]:
    return [op for op in module.walk() if isinstance(op, xdsl_affine.ForOp)]


def _innermost(loop: xdsl_affine.ForOp) -> bool:
    return not any(isinstance(op, xdsl_affine.ForOp) for op in _body_ops(loop))


def _enclosing_loops(loop: xdsl_affine.ForOp) -> list[xdsl_affine.ForOp]:
    chain = [loop]
    parent = loop.parent_op()
    while isinstance(parent, xdsl_affine.ForOp):
        chain.append(parent)
        parent = parent.parent_op()
    return chain


@dataclass(frozen=True)
class AffineVectorize(ModulePass):
    """Vectorize SIMD loops (marked nnopt.simd, or chosen by stride and legality)."""

    name = "affine-vectorize"

    target: str = "native"
    """Target whose vector width is used (x86-avx512: 16 floats)."""
    width: int = 0
    """Vector width in bits; 0 takes the target's."""
    reductions: bool = True
    """Allow vectorizing reductions, which reassociates them."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        bits = self.width or get_target(self.target).vector_bits
        done: set[Operation] = set()
        for loop in _loops(op):
            if not _innermost(loop) or loop.parent is None:
                continue
            chain = _enclosing_loops(loop)
            marked = [candidate for candidate in chain if SIMD_ATTR in candidate.attributes]
            candidates = marked or chain
            # loops from an enclosing loop already vectorized are left as they are
            usable = list(takewhile(lambda c: c not in done and c.parent is not None, candidates))
            plan, reasons = self._plan(usable, bits)
            if plan is not None:
                done.add(vectorize(plan))
            elif reasons and len(usable) == len(candidates):
                unique = list(dict.fromkeys(reasons))
                emit_remark(marked[0] if marked else loop, f"not vectorized: {'; '.join(unique)}")

    def _plan(self, candidates: list[xdsl_affine.ForOp], bits: int) -> tuple[Plan | None, list[str]]:
        """The first candidate vectorizable at full width; failing that, the first
        short one with narrower vectors; else the reasons each was declined."""
        reasons: list[str] = []
        for fit_short in (False, True):
            for candidate in candidates:
                try:
                    return analyse(candidate, bits, self.reductions, fit_short), []
                except Decline as reason:
                    reasons.append(str(reason))
        return None, reasons
