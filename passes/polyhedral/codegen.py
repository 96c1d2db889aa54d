"""From a schedule back to affine loops: isl's AST generator, then affine ops.

    new_ops = generate_affine(scop, schedule, deps, CodegenOptions(parallel=True))

isl builds the loop AST of the schedule (`AstBuild.node_from_schedule`, with
`ast_build_allow_or = 0` and atomic upper bounds, see `isl_support`). Each AST
node becomes IR:

* `for`   -> `affine.for`; the lower bound is the max of the init's terms, the
  upper bound the min of the condition's terms (+1 for `<=`), the step the
  increment. A degenerate loop (one iteration) becomes no loop: its iterator
  is replaced by its value.
* `if`    -> `affine.if` with the conjunction of the condition's constraints.
* `block` -> the ops in sequence; `mark` -> an attribute on the loop below it
  (`simd` -> `nnopt.simd`).
* `user`  -> a copy of the statement's ops: loads and stores get their index
  maps composed with the statement's new indices; other uses of an old loop
  index get an `affine.apply` of its new expression.

Expressions: `fdiv_q`, `pdiv_q` and `div` become floordiv, `pdiv_r` and
`zdiv_r` mod. While isl builds each loop, the dependences decide whether the
loop is parallel (no dependence between different iterations at equal outer
loop values: the outermost such loop gets `nnopt.parallel`, when one
execution of it runs enough statement instances to pay for starting threads)
or carries only reduction dependences (`nnopt.reduction`).

Example: the tile loops of a 64x64 copy tiled by 32 come back as

    affine.for %c0 = 0 to 64 step 32 {
      affine.for %c1 = %c0 to affine_map<(d0) -> (d0 + 32)>(%c0) { ... }
    }
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import islpy as isl
from xdsl.builder import Builder
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import AffineMapAttr, IndexType, UnitAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import (
    AffineConstantExpr,
    AffineConstraintExpr,
    AffineConstraintKind,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSet,
    AffineSymExpr,
)
from xdsl.rewriter import InsertPoint

from nnopt.dialects import affine
from nnopt.passes import marks
from nnopt.passes.polyhedral.affine_forms import IndexResolver
from nnopt.passes.polyhedral.dependences import Dependences
from nnopt.passes.polyhedral.extraction import outside_of
from nnopt.passes.polyhedral.isl_support import isl_errors
from nnopt.passes.polyhedral.scop import Scop, Statement

PARALLEL_ATTR = marks.PARALLEL
SIMD_ATTR = marks.SIMD
REDUCTION_ATTR = marks.REDUCTION
SIMD_MARK = "simd"


class CodegenUnsupported(Exception):
    """An AST construct affine IR cannot express (a disjunction, a non-affine term)."""


@dataclass(frozen=True)
class CodegenOptions:
    parallel: bool = True
    """Mark the outermost parallel loop of each nest with nnopt.parallel."""
    marks: bool = True
    """Mark SIMD loops (from `simd` marks) and reduction loops."""


@dataclass
class LoopFacts:
    parallel: bool
    reduction: bool


@dataclass
class _LoopAnalysis:
    """Parallelism of each loop, decided while isl builds it (before_each_for)."""

    scop: Scop
    deps: Dependences
    facts: list[LoopFacts] = field(default_factory=list)
    error: Exception | None = None

    def before_for(self, build: isl.AstBuild) -> isl.Id:
        try:
            schedule = build.get_schedule()
            independent = _carries_nothing(schedule, self.deps.conflicts)
            parallel = independent and _work_per_entry(schedule) >= PARALLEL_MIN_WORK
            reduction = not independent and _carries_nothing(schedule, self.deps.required)
            self.facts.append(LoopFacts(parallel, reduction))
        except Exception as error:  # isl calls back into Python: keep the error for later
            self.error = error
            self.facts.append(LoopFacts(False, False))
        return isl.Id(f"loop{len(self.facts) - 1}", context=self.scop.ctx)


PARALLEL_MIN_WORK = 1 << 15
"""Statement instances one execution of a loop must run for the loop to be made parallel:
below it, starting the threads costs more than it saves (a wavefront of small tiles)."""

UNKNOWN_COUNT = 1024
"""Values assumed along a dimension whose range depends on parameters."""


def _values_along(points: isl.Set, dim: int) -> int:
    low, high = points.dim_min_val(dim), points.dim_max_val(dim)
    if not (low.is_int() and high.is_int()):
        return UNKNOWN_COUNT
    stride = points.get_stride(dim)
    step = max(1, int(stride.to_python())) if stride.is_int() else 1
    return (int(high.to_python()) - int(low.to_python())) // step + 1


def _work_per_entry(schedule: isl.UnionMap) -> float:
    """Statement instances per execution of the loop built last (bounding boxes, an estimate)."""
    instances = 0
    pieces: list[isl.Set] = []
    schedule.domain().foreach_set(pieces.append)
    for piece in pieces:
        count = 1
        for dim in range(piece.dim(isl.dim_type.set)):
            count *= _values_along(piece, dim)
        instances += count
    images: list[isl.Set] = []
    schedule.range().foreach_set(images.append)
    entries = 1
    for image in images:
        outer = image.project_out(isl.dim_type.set, image.dim(isl.dim_type.set) - 1, 1)
        count = 1
        for dim in range(outer.dim(isl.dim_type.set)):
            count *= _values_along(outer, dim)
        entries = max(entries, count)
    return instances / entries


def _carries_nothing(schedule: isl.UnionMap, deps: isl.UnionMap) -> bool:
    """No pair of `deps` has equal outer schedule values and different innermost ones."""
    domain = schedule.domain()
    relevant = deps.intersect_domain(domain).intersect_range(domain)
    if relevant.is_empty():
        return True
    distances = relevant.apply_domain(schedule).apply_range(schedule).deltas()
    pieces: list[isl.Set] = []
    distances.foreach_set(pieces.append)
    zero = isl.Val.int_from_si(schedule.get_ctx(), 0)
    for piece in pieces:
        depth = piece.dim(isl.dim_type.set)
        same_outer = piece
        for k in range(depth - 1):
            same_outer = same_outer.fix_val(isl.dim_type.set, k, zero)
        if not same_outer.subtract(same_outer.fix_val(isl.dim_type.set, depth - 1, zero)).is_empty():
            return False
    return True


def generate_affine(scop: Scop, schedule: isl.Schedule, deps: Dependences, options: CodegenOptions) -> list[Operation]:
    """The affine ops executing `scop` in the order of `schedule` (not yet inserted)."""
    analysis = _LoopAnalysis(scop, deps)
    with isl_errors(scop.anchor, "generating the loop AST"):
        build = isl.AstBuild.from_context(scop.context)
        build, _ = build.set_before_each_for(analysis.before_for)
        ast = build.node_from_schedule(schedule)
    if analysis.error is not None:
        raise analysis.error
    block = Block()
    emitter = _AstEmitter(scop, analysis.facts, options)
    emitter.node(ast, Builder(InsertPoint.at_end(block)), [], in_parallel=False)
    ops = list(block.ops)
    for op in ops:
        op.detach()
    return ops


# -- expressions -------------------------------------------------------------------------


@dataclass
class _Scope:
    """Affine expressions of the AST's identifiers over the enclosing new loop indices."""

    ivs: list[SSAValue]
    names: dict[str, AffineExpr]


def _compact(exprs: Sequence[AffineExpr], ivs: Sequence[SSAValue], params: Sequence[SSAValue]) -> tuple[AffineMap, list[SSAValue]]:
    """A map over only the dims and symbols `exprs` use, and its operands."""
    used_dims: set[int] = set()
    used_symbols: set[int] = set()
    for expr in exprs:
        for sub in expr.dfs():
            if isinstance(sub, AffineDimExpr):
                used_dims.add(sub.position)
            elif isinstance(sub, AffineSymExpr):
                used_symbols.add(sub.position)
    dims = sorted(used_dims)
    symbols = sorted(used_symbols)
    dim_map = {d: AffineExpr.dimension(k) for k, d in enumerate(dims)}
    symbol_map = {s: AffineExpr.symbol(k) for k, s in enumerate(symbols)}
    new_dims = [dim_map.get(d, AffineExpr.constant(0)) for d in range(len(ivs))]
    new_symbols = [symbol_map.get(s, AffineExpr.constant(0)) for s in range(len(params))]
    results = tuple(e.replace_dims_and_symbols(new_dims, new_symbols) for e in exprs)
    operands = [ivs[d] for d in dims] + [params[s] for s in symbols]
    return AffineMap(len(dims), len(symbols), results), operands


class _AstEmitter:
    def __init__(self, scop: Scop, facts: list[LoopFacts], options: CodegenOptions) -> None:
        self.scop = scop
        self.facts = facts
        self.options = options
        self.params = scop.params.values
        self.param_index = {name: k for k, name in enumerate(scop.params.names)}
        self.resolver = IndexResolver(scop.params, outside_of(scop.loops))
        self.scope = _Scope([], {})

    # expressions

    def expr(self, e: isl.AstExpr) -> AffineExpr:
        kind = e.get_type()
        if kind == isl.ast_expr_type.int:
            return AffineExpr.constant(e.get_val().to_python())
        if kind == isl.ast_expr_type.id:
            name = e.get_id().get_name()
            if name in self.scope.names:
                return self.scope.names[name]
            if name in self.param_index:
                return AffineExpr.symbol(self.param_index[name])
            raise CodegenUnsupported(f"unknown identifier '{name}' in the loop AST")
        op = e.get_op_type()
        args = [e.get_op_arg(k) for k in range(e.get_op_n_arg())]
        if op == isl.ast_expr_op_type.minus:
            return -self.expr(args[0])
        if op in (isl.ast_expr_op_type.add, isl.ast_expr_op_type.sub, isl.ast_expr_op_type.mul):
            a, b = self.expr(args[0]), self.expr(args[1])
            if op == isl.ast_expr_op_type.add:
                return a + b
            if op == isl.ast_expr_op_type.sub:
                return a - b
            if not isinstance(a, AffineConstantExpr) and not isinstance(b, AffineConstantExpr):
                raise CodegenUnsupported("a product of two variables is not affine")
            return a * b
        if op in (isl.ast_expr_op_type.fdiv_q, isl.ast_expr_op_type.pdiv_q, isl.ast_expr_op_type.div):
            return self.expr(args[0]) // self._constant(args[1])
        if op in (isl.ast_expr_op_type.pdiv_r, isl.ast_expr_op_type.zdiv_r):
            return self.expr(args[0]) % self._constant(args[1])
        raise CodegenUnsupported(f"isl AST operation {op} has no affine equivalent here")

    def _constant(self, e: isl.AstExpr) -> int:
        if e.get_type() != isl.ast_expr_type.int:
            raise CodegenUnsupported("division by a non-constant")
        return int(e.get_val().to_python())

    def terms(self, e: isl.AstExpr, extremum: isl.ast_expr_op_type) -> list[AffineExpr]:
        """The operands of a (nested) min or max, or the expression itself."""
        if e.get_type() == isl.ast_expr_type.op and e.get_op_type() == extremum:
            return [t for k in range(e.get_op_n_arg()) for t in self.terms(e.get_op_arg(k), extremum)]
        return [self.expr(e)]

    def constraints(self, e: isl.AstExpr) -> list[AffineConstraintExpr]:
        """A conjunction as constraints `expr >= 0` / `expr == 0`."""
        kind = e.get_type()
        if kind != isl.ast_expr_type.op:
            raise CodegenUnsupported("a condition that is not a comparison")
        op = e.get_op_type()
        args = [e.get_op_arg(k) for k in range(e.get_op_n_arg())]
        if op in (isl.ast_expr_op_type.and_, isl.ast_expr_op_type.and_then):  # type: ignore[attr-defined]
            return [c for a in args for c in self.constraints(a)]
        zero = AffineExpr.constant(0)
        ge, eq = AffineConstraintKind.ge, AffineConstraintKind.eq
        mn, mx = isl.ast_expr_op_type.min, isl.ast_expr_op_type.max
        if op == isl.ast_expr_op_type.eq:
            return [AffineConstraintExpr(eq, self.expr(args[0]) - self.expr(args[1]), zero)]
        if op in (isl.ast_expr_op_type.le, isl.ast_expr_op_type.lt):
            small, large = args
        elif op in (isl.ast_expr_op_type.ge, isl.ast_expr_op_type.gt):
            large, small = args
        else:
            raise CodegenUnsupported(f"condition operation {op} has no affine equivalent")
        slack = 1 if op in (isl.ast_expr_op_type.lt, isl.ast_expr_op_type.gt) else 0
        return [
            AffineConstraintExpr(ge, big - little - slack, zero)
            for little in self.terms(small, mx)
            for big in self.terms(large, mn)
        ]

    # nodes

    def node(self, node: isl.AstNode, builder: Builder, marks: list[str], in_parallel: bool) -> None:
        kind = node.get_type()
        if kind == isl.ast_node_type.block:
            children = node.block_get_children()
            for k in range(children.n_ast_node()):
                self.node(children.get_at(k), builder, [], in_parallel)
        elif kind == isl.ast_node_type.mark:
            self.node(node.mark_get_node(), builder, [*marks, node.mark_get_id().get_name()], in_parallel)
        elif kind == isl.ast_node_type.for_:  # type: ignore[attr-defined]
            self._for(node, builder, marks, in_parallel)
        elif kind == isl.ast_node_type.if_:  # type: ignore[attr-defined]
            self._if(node, builder, in_parallel)
        elif kind == isl.ast_node_type.user:
            self._user(node, builder)
        else:
            raise CodegenUnsupported(f"AST node {kind}")

    def _for(self, node: isl.AstNode, builder: Builder, marks: list[str], in_parallel: bool) -> None:
        iterator = node.for_get_iterator().get_id().get_name()
        annotation = node.get_annotation()
        facts = self.facts[int(annotation.get_name()[len("loop"):])] if annotation is not None else LoopFacts(False, False)
        lower = self.terms(node.for_get_init(), isl.ast_expr_op_type.max)
        if node.for_is_degenerate() and len(lower) == 1:
            saved = dict(self.scope.names)
            self.scope.names[iterator] = lower[0]
            self.node(node.for_get_body(), builder, [], in_parallel)
            self.scope.names = saved
            return
        upper = self._upper_bound(node.for_get_cond(), iterator)
        step = self._constant(node.for_get_inc())
        lower_map, lower_operands = _compact(lower, self.scope.ivs, self.params)
        upper_map, upper_operands = _compact(upper, self.scope.ivs, self.params)
        body = Block(arg_types=[IndexType()])
        body.args[0].name_hint = iterator
        loop = affine.ForOp.from_region(
            lower_operands, upper_operands, [], [], AffineMapAttr(lower_map), AffineMapAttr(upper_map),
            Region(body), step,
        )
        parallel = self.options.parallel and facts.parallel and not in_parallel
        if parallel:
            loop.attributes[PARALLEL_ATTR] = UnitAttr()
        if self.options.marks and SIMD_MARK in marks:
            loop.attributes[SIMD_ATTR] = UnitAttr()
        if self.options.marks and facts.reduction:
            loop.attributes[REDUCTION_ATTR] = UnitAttr()
        builder.insert(loop)
        saved_names = dict(self.scope.names)
        self.scope.names[iterator] = AffineExpr.dimension(len(self.scope.ivs))
        self.scope.ivs.append(body.args[0])
        inner = Builder(InsertPoint.at_end(body))
        self.node(node.for_get_body(), inner, [], in_parallel or parallel)
        inner.insert(affine.YieldOp.get())
        self.scope.ivs.pop()
        self.scope.names = saved_names

    def _upper_bound(self, cond: isl.AstExpr, iterator: str) -> list[AffineExpr]:
        """Exclusive upper bounds from `iterator <= e` / `iterator < e` (conjunctions too)."""
        op = cond.get_op_type()
        args = [cond.get_op_arg(k) for k in range(cond.get_op_n_arg())]
        if op in (isl.ast_expr_op_type.and_, isl.ast_expr_op_type.and_then):  # type: ignore[attr-defined]
            return [t for a in args for t in self._upper_bound(a, iterator)]
        if op in (isl.ast_expr_op_type.le, isl.ast_expr_op_type.lt):
            index, bound = args
        elif op in (isl.ast_expr_op_type.ge, isl.ast_expr_op_type.gt):
            bound, index = args
        else:
            raise CodegenUnsupported(f"loop condition operation {op}")
        if index.get_type() != isl.ast_expr_type.id or index.get_id().get_name() != iterator:
            raise CodegenUnsupported("a loop condition that does not bound the loop index")
        extra = 1 if op in (isl.ast_expr_op_type.le, isl.ast_expr_op_type.ge) else 0
        return [t + extra for t in self.terms(bound, isl.ast_expr_op_type.min)]

    def _if(self, node: isl.AstNode, builder: Builder, in_parallel: bool) -> None:
        constraints = self.constraints(node.if_get_cond())
        dims = len(self.scope.ivs)
        condition = AffineSet(dims, len(self.params), tuple(constraints))
        compact_map, operands = _compact([c.lhs for c in constraints], self.scope.ivs, self.params)
        compact_set = AffineSet(
            compact_map.num_dims,
            compact_map.num_symbols,
            tuple(
                AffineConstraintExpr(c.kind, lhs, AffineExpr.constant(0))
                for c, lhs in zip(condition.constraints, compact_map.results, strict=True)
            ),
        )
        then_block = Block()
        else_region = Region()
        if node.if_has_else_node():
            else_block = Block()
            self.node(node.if_get_else_node(), Builder(InsertPoint.at_end(else_block)), [], in_parallel)
            else_block.add_op(affine.YieldOp.get())
            else_region = Region(else_block)
        self.node(node.if_get_then_node(), Builder(InsertPoint.at_end(then_block)), [], in_parallel)
        then_block.add_op(affine.YieldOp.get())
        builder.insert(affine.IfOp.build_if(compact_set, operands, Region(then_block), else_region))

    def _user(self, node: isl.AstNode, builder: Builder) -> None:
        call = node.user_get_expr()
        name = call.get_op_arg(0).get_id().get_name()
        indices = [self.expr(call.get_op_arg(k)) for k in range(1, call.get_op_n_arg())]
        _StatementCopy(self, self.scop.statement(name), indices, builder).emit()


class _StatementCopy:
    """One instance of a statement's ops at new indices."""

    def __init__(self, emitter: _AstEmitter, statement: Statement, indices: list[AffineExpr], builder: Builder) -> None:
        self.emitter = emitter
        self.statement = statement
        self.indices = indices
        self.builder = builder
        self.mapping: dict[SSAValue, SSAValue] = {}
        self.accesses = {id(a.op): a for a in statement.accesses}
        params = emitter.params
        self.symbols = [AffineExpr.symbol(k) for k in range(len(params))]

    def _new_exprs(self, exprs: Sequence[AffineExpr]) -> list[AffineExpr]:
        return [e.replace_dims_and_symbols(self.indices, self.symbols) for e in exprs]

    def _value(self, value: SSAValue) -> SSAValue:
        if value in self.mapping:
            return self.mapping[value]
        if any(value is iv for iv in self.statement.ivs) or isinstance(value.owner, xdsl_affine.ApplyOp):
            expr = self.emitter.resolver.resolve(value, self.statement.ivs)
            if expr is not None:
                apply_map, operands = _compact(self._new_exprs([expr]), self.emitter.scope.ivs, self.emitter.params)
                apply = affine.ApplyOp(operands, AffineMapAttr(apply_map))
                apply.result.name_hint = value.name_hint
                self.builder.insert(apply)
                self.mapping[value] = apply.result
                return apply.result
        return value

    def emit(self) -> None:
        for op in [*self.statement.support_ops, *self.statement.ops]:
            if isinstance(op, xdsl_affine.ApplyOp):
                continue  # materialised on demand by _value
            access = self.accesses.get(id(op))
            if access is not None:
                self._access(op, access.indices)
                continue
            for operand in op.operands:
                self._value(operand)
            clone = op.clone(value_mapper=self.mapping)
            self.builder.insert(clone)
            for old, new in zip(op.results, clone.results, strict=True):
                self.mapping[old] = new

    def _access(self, op: Operation, indices: list[AffineExpr]) -> None:
        index_map, operands = _compact(self._new_exprs(indices), self.emitter.scope.ivs, self.emitter.params)
        attr = AffineMapAttr(index_map)
        if isinstance(op, xdsl_affine.StoreOp):
            value = self._value(op.value)
            self.builder.insert(affine.StoreOp(value, op.memref, operands, attr))
            return
        assert isinstance(op, xdsl_affine.LoadOp)
        load = affine.LoadOp(op.memref, operands, attr, op.result.type)
        load.result.name_hint = op.result.name_hint
        self.builder.insert(load)
        self.mapping[op.result] = load.result
