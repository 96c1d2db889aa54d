"""Finding SCoPs in a function and building their polyhedral model.

    for region in scop_regions(func_op.body.block):        # remarks for nests left alone
        scop = build_scop(ctx, region)

A SCoP region is a run of consecutive `affine.for` nests of one block. Between
the nests there may be side-effect-free ops (constants, `memref.alloc`): they
are hoisted before the region when it is rewritten. Any other op ends the run.

A nest is left alone, with a remark naming the op and the reason, when it has

* `iter_args` or results (values carried in registers are not modelled),
* a bound, condition or access index that is not affine in the loop indices
  and in index values defined outside the nest,
* an op with memory effects other than `affine.load` / `affine.store`
  (`memref.load`, `func.call`, an unknown op taking a memref...), or an op with
  regions other than `affine.for` / `affine.if`,
* a value computed from memory in one statement and used by another, or
* a loop with a step and a multi-result lower bound (not a convex set).

Example: the body of

    affine.for %i = 0 to 4 {
      affine.store %zero, %C[%i] : memref<4xf32>          // S0
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<4x8xf32>      // S1
        %c = affine.load %C[%i] : memref<4xf32>
        %s = arith.addf %c, %a : f32
        affine.store %s, %C[%i] : memref<4xf32>
      }
    }

gives S0 with domain `{ S0[i] : 0 <= i < 4 }` and schedule `[0, i, 0, 0, 0]`, and
S1 with `{ S1[i, k] : 0 <= i < 4 and 0 <= k < 8 }` and `[0, i, 1, k, 0]`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import islpy as isl
from xdsl.dialects import (
    affine,  # isinstance checks: parsed ops are xDSL's classes
    memref,
)
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineConstraintKind, AffineExpr
from xdsl.traits import is_side_effect_free

from nnopt.passes import marks
from nnopt.passes.memory_access import memory_access, memref_layout, root_buffer
from nnopt.passes.polyhedral.affine_forms import IndexResolver, ParameterTable, isl_text
from nnopt.passes.polyhedral.isl_support import isl_errors
from nnopt.passes.polyhedral.scop import Access, ArrayInfo, Scop, Statement
from nnopt.support.diagnostics import CompileError, emit_remark, location_of

_ISL_WORDS = frozenset(
    ["and", "or", "not", "exists", "mod", "floor", "ceil", "min", "max", "true", "false",
     "infty", "rat", "implies", "xor", "cnd", "floord", "ceild"]
)


class NotModelable(Exception):
    """A loop nest the polyhedral model cannot represent."""

    def __init__(self, reason: str, op: Operation) -> None:
        super().__init__(reason)
        self.reason = reason
        self.op = op


@dataclass
class ScopRegion:
    """Consecutive loop nests of one block and the ops hoisted from between them."""

    loops: list[affine.ForOp]
    hoisted: list[Operation] = field(default_factory=list)


# -- finding regions ---------------------------------------------------------------------


def _hoistable(op: Operation) -> bool:
    if op.regions:
        return False
    return isinstance(op, memref.AllocOp | memref.AllocaOp) or is_side_effect_free(op)


def _where(op: Operation) -> str:
    location = location_of(op)
    return f"'{op.name}' op" + (f" at {location}" if location is not None else "")


def scop_regions(block: Block) -> list[ScopRegion]:
    """The SCoP regions of `block`; nests that cannot be modelled get a remark and split runs."""
    regions: list[ScopRegion] = []
    current: ScopRegion | None = None
    pending: list[Operation] = []
    for op in block.ops:
        if isinstance(op, affine.ForOp):
            problem = nest_problem(op)
            if problem is not None:
                emit_remark(op, f"loop nest not scheduled: {problem.reason}")
                current, pending = None, []
                continue
            if current is None:
                current = ScopRegion([op])
                regions.append(current)
            else:
                current.hoisted.extend(pending)
                current.loops.append(op)
            pending = []
        elif current is not None and _hoistable(op):
            pending.append(op)
        else:
            current, pending = None, []
    return regions


SCHEDULED_ATTR = marks.SCHEDULED


def nest_problem(nest: affine.ForOp) -> NotModelable | None:
    """Why `nest` cannot be modelled, or None."""
    if SCHEDULED_ATTR in nest.attributes:
        return NotModelable("it was scheduled by a lowering strategy (nnopt.scheduled)", nest)
    try:
        _NestWalker(IndexResolver(ParameterTable(), outside_of([nest])), 0).walk_nest(nest)
    except NotModelable as problem:
        return problem
    return None


def outside_of(nests: Sequence[Operation]) -> _Outside:
    """A predicate: is an SSA value defined outside the given loop nests?"""
    return _Outside(list(nests))


class _Outside:
    """Whether an SSA value is defined outside the given loop nests."""

    def __init__(self, nests: list[Operation]) -> None:
        self.nests = nests

    def __call__(self, value: SSAValue) -> bool:
        owner = value.owner
        op = owner if isinstance(owner, Operation) else owner.parent_op()
        while op is not None:
            if any(op is nest for nest in self.nests):
                return False
            op = op.parent_op()
        return True


# -- walking one nest ----------------------------------------------------------------------


@dataclass
class _Condition:
    op: affine.IfOp
    then_branch: bool
    depth: int


@dataclass
class _Draft:
    """A statement before it gets its isl objects."""

    ops: list[Operation]
    loops: list[affine.ForOp]
    conditions: list[_Condition]
    positions: list[int]
    support_ops: list[Operation] = field(default_factory=list)

    @property
    def ivs(self) -> list[SSAValue]:
        return [loop.body.block.args[0] for loop in self.loops]


class _Counter:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value - 1


class _NestWalker:
    def __init__(self, resolver: IndexResolver, position: int) -> None:
        self.resolver = resolver
        self.position = position
        self.drafts: list[_Draft] = []
        self.bounds: dict[affine.ForOp, tuple[list[AffineExpr], list[AffineExpr]]] = {}
        self.conditions: dict[affine.IfOp, list[tuple[AffineConstraintKind, AffineExpr]]] = {}

    def walk_nest(self, nest: affine.ForOp) -> list[_Draft]:
        self._loop(nest, [], [], [self.position])
        for draft in self.drafts:
            self._check_statement(draft)
        return self.drafts

    def _loop(
        self, loop: affine.ForOp, loops: list[affine.ForOp], conditions: list[_Condition], prefix: list[int]
    ) -> None:
        if loop.inits or loop.results:
            raise NotModelable(f"{_where(loop)} carries values in iter_args", loop)
        outer_ivs = [outer.body.block.args[0] for outer in loops]
        lower = self.resolver.resolve_map_results(loop.lowerBoundMap.data, loop.lowerBoundOperands, outer_ivs)
        upper = self.resolver.resolve_map_results(loop.upperBoundMap.data, loop.upperBoundOperands, outer_ivs)
        if lower is None or upper is None:
            raise NotModelable(f"{_where(loop)} has a bound that is not affine", loop)
        if loop.step.value.data != 1 and len(lower) != 1:
            raise NotModelable(f"{_where(loop)} has a step and a multi-result lower bound", loop)
        self.bounds[loop] = (lower, upper)
        self._block(loop.body.block, [*loops, loop], conditions, prefix, _Counter())

    def _block(
        self,
        block: Block,
        loops: list[affine.ForOp],
        conditions: list[_Condition],
        prefix: list[int],
        counter: _Counter,
    ) -> None:
        run: list[Operation] = []

        def close_run() -> None:
            if run:
                self.drafts.append(_Draft(list(run), list(loops), list(conditions), [*prefix, counter.next()]))
                run.clear()

        for op in block.ops:
            if isinstance(op, affine.YieldOp):
                if op.operands:
                    raise NotModelable(f"{_where(op)} yields values", op)
                continue
            if isinstance(op, affine.ForOp):
                close_run()
                self._loop(op, loops, conditions, [*prefix, counter.next()])
            elif isinstance(op, affine.IfOp):
                close_run()
                self._if(op, loops, conditions, prefix, counter)
            else:
                self._check_op(op)
                run.append(op)
        close_run()

    def _if(
        self,
        op: affine.IfOp,
        loops: list[affine.ForOp],
        conditions: list[_Condition],
        prefix: list[int],
        counter: _Counter,
    ) -> None:
        if op.results:
            raise NotModelable(f"{_where(op)} yields values", op)
        ivs = [loop.body.block.args[0] for loop in loops]
        condition = op.condition.data
        operands = self.resolver.resolve_operands(op.args, ivs)
        if operands is None:
            raise NotModelable(f"{_where(op)} has a condition that is not affine", op)
        dims, symbols = operands[: condition.num_dims], operands[condition.num_dims :]
        self.conditions[op] = [
            (c.kind, (c.lhs - c.rhs).replace_dims_and_symbols(dims, symbols))
            for c in condition.constraints
        ]
        depth = len(loops)
        self._block(op.then_region.block, loops, [*conditions, _Condition(op, True, depth)], prefix, counter)
        if op.else_region.blocks:
            self._block(op.else_region.block, loops, [*conditions, _Condition(op, False, depth)], prefix, counter)

    def _check_op(self, op: Operation) -> None:
        if isinstance(op, affine.LoadOp | affine.StoreOp):
            if not isinstance(op.memref.type, MemRefType):
                raise NotModelable(f"{_where(op)} accesses a value that is not a memref", op)
            return
        if isinstance(op, memref.LoadOp | memref.StoreOp):
            raise NotModelable(f"{_where(op)} is an access that is not affine", op)
        if op.regions:
            raise NotModelable(f"{_where(op)} has regions the polyhedral model does not know", op)
        reads, writes = memory_access(op)
        if reads or writes or not is_side_effect_free(op):
            raise NotModelable(f"{_where(op)} has memory effects the polyhedral model does not know", op)

    def _check_statement(self, draft: _Draft) -> None:
        """Accesses are affine; values from elsewhere in the nest are recomputable."""
        members = {id(op) for op in draft.ops}
        ivs = draft.ivs
        for op in draft.ops:
            if (
                isinstance(op, affine.LoadOp | affine.StoreOp)
                and self.resolver.resolve_map_results(op.map.data, op.indices, ivs) is None
            ):
                raise NotModelable(f"{_where(op)} has an index that is not affine", op)
        support: dict[int, Operation] = {}
        for op in draft.ops:
            for operand in op.operands:
                self._support(operand, members, ivs, support)
        draft.support_ops = sorted(support.values(), key=_program_order_key)

    def _support(
        self, value: SSAValue, members: set[int], ivs: list[SSAValue], support: dict[int, Operation]
    ) -> None:
        if any(value is iv for iv in ivs) or self.resolver.is_outside(value):
            return
        owner = value.owner
        if not isinstance(owner, Operation):
            # block arguments inside a nest are loop indices, all in `ivs` for its statements
            parent = owner.parent_op()
            assert parent is not None
            raise NotModelable(f"an argument of {_where(parent)} is used outside its loop", parent)
        if id(owner) in members or id(owner) in support:
            return
        if owner.regions or not is_side_effect_free(owner):
            raise NotModelable(
                f"value {_value_name(value)} defined by {_where(owner)} is used by another statement",
                owner,
            )
        support[id(owner)] = owner
        for operand in owner.operands:
            self._support(operand, members, ivs, support)


def _value_name(value: SSAValue) -> str:
    return f"%{value.name_hint}" if value.name_hint else "a value"


def _program_order_key(op: Operation) -> tuple[int, ...]:
    """A key sorting ops in program order (position of each ancestor in its block)."""
    path: list[int] = []
    current: Operation | None = op
    while current is not None and current.parent_block() is not None:
        block = current.parent_block()
        assert block is not None
        path.append(block.get_operation_index(current))
        current = block.parent_op()
    return tuple(reversed(path))


# -- building the SCoP ---------------------------------------------------------------------


def build_scop(ctx: isl.Context, region: ScopRegion) -> Scop:
    """The polyhedral model of `region` (whose nests `scop_regions` checked)."""
    params = ParameterTable()
    resolver = IndexResolver(params, outside_of(region.loops))
    drafts: list[_Draft] = []
    bounds: dict[affine.ForOp, tuple[list[AffineExpr], list[AffineExpr]]] = {}
    conditions: dict[affine.IfOp, list[tuple[AffineConstraintKind, AffineExpr]]] = {}
    for position, nest in enumerate(region.loops):
        walker = _NestWalker(resolver, position)
        try:
            drafts.extend(walker.walk_nest(nest))
        except NotModelable as problem:  # scop_regions checked the nest already
            raise CompileError(f"polyhedral extraction failed: {problem.reason}", problem.op) from None
        bounds.update(walker.bounds)
        conditions.update(walker.conditions)
    builder = _IslBuilder(ctx, params, resolver, bounds, conditions)
    with isl_errors(region.loops[0], "building the polyhedral model"):
        statements = [builder.statement(f"S{k}", k, draft) for k, draft in enumerate(drafts)]
        builder.pad_schedules(statements)
        arrays = builder.attach_accesses(statements, drafts)
        context = isl.Set.read_from_str(ctx, f"[{', '.join(params.names)}] -> {{ : }}")
    return Scop(ctx, list(region.loops), list(region.hoisted), params, context, statements, arrays)


class _IslBuilder:
    def __init__(
        self,
        ctx: isl.Context,
        params: ParameterTable,
        resolver: IndexResolver,
        bounds: dict[affine.ForOp, tuple[list[AffineExpr], list[AffineExpr]]],
        conditions: dict[affine.IfOp, list[tuple[AffineConstraintKind, AffineExpr]]],
    ) -> None:
        self.ctx = ctx
        self.params = params
        self.resolver = resolver
        self.bounds = bounds
        self.conditions = conditions

    @property
    def param_prefix(self) -> str:
        return "[" + ", ".join(self.params.names) + "] -> " if len(self.params) else ""

    def dim_names(self, ivs: list[SSAValue]) -> list[str]:
        names: list[str] = []
        taken = set(self.params.names)
        for depth, iv in enumerate(ivs):
            hint = iv.name_hint or ""
            name = hint if hint.isidentifier() and hint.isascii() else f"i{depth}"
            if name in taken or name in _ISL_WORDS or name.startswith("p"):
                name = f"i{depth}"
            while name in taken:
                name = f"{name}_"
            taken.add(name)
            names.append(name)
        return names

    def statement(self, name: str, position: int, draft: _Draft) -> Statement:
        ivs = draft.ivs
        dims = self.dim_names(ivs)
        symbols = self.params.names
        tuple_text = f"{name}[{', '.join(dims)}]"
        constraints: list[str] = []
        exists: list[str] = []
        for depth, loop in enumerate(draft.loops):
            lower, upper = self.bounds[loop]
            iv = dims[depth]
            constraints.extend(f"{iv} >= {isl_text(e, dims, symbols)}" for e in lower)
            constraints.extend(f"{iv} < {isl_text(e, dims, symbols)}" for e in upper)
            step = loop.step.value.data
            if step != 1:
                exists.append(f"exists (e{depth} : {iv} = {isl_text(lower[0], dims, symbols)} + {step} * e{depth})")
        negated: list[str] = []
        for condition in draft.conditions:
            texts = [
                f"{isl_text(expr, dims, symbols)} {'=' if kind == AffineConstraintKind.eq else '>='} 0"
                for kind, expr in self.conditions[condition.op]
            ]
            conjunction = " and ".join(texts) if texts else "true"
            if condition.then_branch:
                constraints.append(conjunction)
            else:
                negated.append(conjunction)
        body = " and ".join([*constraints, *exists]) or "true"
        domain = isl.Set.read_from_str(self.ctx, f"{self.param_prefix}{{ {tuple_text} : {body} }}")
        for conjunction in negated:
            domain = domain.subtract(
                isl.Set.read_from_str(self.ctx, f"{self.param_prefix}{{ {tuple_text} : {conjunction} }}")
            )
        schedule_dims: list[str] = []
        for depth, position_in_block in enumerate(draft.positions):
            schedule_dims.append(str(position_in_block))
            if depth < len(dims):
                schedule_dims.append(dims[depth])
        schedule = isl.Map.read_from_str(
            self.ctx, f"{self.param_prefix}{{ {tuple_text} -> [{', '.join(schedule_dims)}] }}"
        ).intersect_domain(domain)
        return Statement(name, position, list(draft.ops), list(draft.support_ops), ivs, dims, domain, schedule)

    def pad_schedules(self, statements: list[Statement]) -> None:
        """Give every original schedule the same number of output dims (zeros appended)."""
        width = max(s.original_schedule.dim(isl.dim_type.out) for s in statements)
        for s in statements:
            extra = width - s.original_schedule.dim(isl.dim_type.out)
            if extra:
                padded = s.original_schedule.add_dims(isl.dim_type.out, extra)
                for k in range(width - extra, width):
                    padded = padded.fix_val(isl.dim_type.out, k, isl.Val.int_from_si(self.ctx, 0))
                s.original_schedule = padded

    def attach_accesses(self, statements: list[Statement], drafts: list[_Draft]) -> dict[str, ArrayInfo]:
        pending: list[tuple[Statement, Operation, list[AffineExpr]]] = []
        types_by_root: dict[object, set[str]] = {}
        roots: dict[object, SSAValue | str] = {}
        for statement, draft in zip(statements, drafts, strict=True):
            for op in draft.ops:
                if not isinstance(op, affine.LoadOp | affine.StoreOp):
                    continue
                indices = self.resolver.resolve_map_results(op.map.data, op.indices, statement.ivs)
                assert indices is not None  # checked by the nest walker
                key, root = _array_key(op.memref)
                roots[key] = root
                types_by_root.setdefault(key, set()).add(str(op.memref.type))
                pending.append((statement, op, indices))
        arrays: dict[object, ArrayInfo] = {}
        taken: set[str] = set()
        for key, root in roots.items():
            hint = root if isinstance(root, str) else (root.name_hint or "")
            name = f"M{len(arrays)}" + (f"_{hint}" if hint.isidentifier() and hint.isascii() else "")
            taken.add(name)
            element = _element_bytes(pending, key)
            linearized = len(types_by_root[key]) > 1
            arrays[key] = ArrayInfo(name, root, element, linearized, _extents(pending, key, linearized))
        for statement, op, indices in pending:
            assert isinstance(op, affine.LoadOp | affine.StoreOp)
            key, _ = _array_key(op.memref)
            info = arrays[key]
            memref_type = op.memref.type
            assert isinstance(memref_type, MemRefType)
            try:
                strides, offset = memref_layout(memref_type)
            except CompileError as error:
                raise CompileError(error.message, op) from None
            symbols = self.params.names
            if info.linearized:
                address = AffineExpr.constant(offset)
                for index, stride in zip(indices, strides, strict=True):
                    address = address + index * stride
                target = f"{info.name}[{isl_text(address, statement.dim_names, symbols)}]"
            else:
                target = f"{info.name}[{', '.join(isl_text(e, statement.dim_names, symbols) for e in indices)}]"
            tuple_text = f"{statement.name}[{', '.join(statement.dim_names)}]"
            relation = isl.Map.read_from_str(
                self.ctx, f"{self.param_prefix}{{ {tuple_text} -> {target} }}"
            ).intersect_domain(statement.domain)
            statement.accesses.append(
                Access(op, info.name, isinstance(op, affine.StoreOp), indices, strides, relation)
            )
        return {info.name: info for info in arrays.values()}


def _array_key(value: SSAValue) -> tuple[object, SSAValue | str]:
    root = root_buffer(value)
    owner = root.owner
    if isinstance(owner, memref.GetGlobalOp):
        name = owner.name_.root_reference.data
        return ("global", name), name
    return root, root


def _extents(
    pending: list[tuple[Statement, Operation, list[AffineExpr]]], key: object, linearized: bool
) -> tuple[int, ...]:
    for _, op, _ in pending:
        assert isinstance(op, affine.LoadOp | affine.StoreOp)
        memref_type = op.memref.type
        if _array_key(op.memref)[0] == key and isinstance(memref_type, MemRefType):
            if linearized:
                root_type = root_buffer(op.memref).type
                shape = root_type.get_shape() if isinstance(root_type, MemRefType) else ()
                return (max(1, math.prod(shape)),) if shape and min(shape) >= 0 else ()
            shape = memref_type.get_shape()
            return tuple(shape) if min(shape, default=0) >= 0 else ()
    return ()


def _element_bytes(pending: list[tuple[Statement, Operation, list[AffineExpr]]], key: object) -> int:
    for _, op, _ in pending:
        assert isinstance(op, affine.LoadOp | affine.StoreOp)
        if _array_key(op.memref)[0] == key:
            memref_type = op.memref.type
            assert isinstance(memref_type, MemRefType)
            width = getattr(memref_type.get_element_type(), "bitwidth", 32)
            return max(1, int(width) // 8)
    return 4
