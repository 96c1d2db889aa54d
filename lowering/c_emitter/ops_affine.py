"""C for affine ops.

    affine.for %i = max affine_map<(d0) -> (0, d0 - 2)>(%t) to min affine_map<(d0) -> (64, d0 + 30)>(%t) step 2
        ->  for (intptr_t i = nn_max(0, (t - 2)); i < i_end; i += 2)   with i_end = nn_min(...)
    affine.if affine_set<(d0) : (d0 - 1 >= 0)>(%i)   ->  if ((i - 1) >= 0) { ... }
    %v = affine.load %A[%i, %k] : memref<4x8xf32>     ->  const float v = A[i * 8 + k];
    affine.store %v, %C[%i, %j] : memref<4x16xf32>    ->  C[i * 16 + j] = v;

Loops carrying `iter_args` keep each carried value in a mutable variable that the
loop's `affine.yield` assigns. A loop with the unit attribute `nnopt.parallel`
gets `#pragma omp parallel for` when the target has OpenMP.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects import scf
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineMap

from nnopt.dialects.affine import MaxOp
from nnopt.lowering.c_emitter.affine_expr import affine_to_c, fold_extremum, map_results_to_c
from nnopt.lowering.c_emitter.emitter import CEmitter
from nnopt.lowering.c_emitter.registry import emits

PARALLEL_ATTR = "nnopt.parallel"


def _is_simple(text: str) -> bool:
    return text.replace("_", "").isalnum()


def map_terms(e: CEmitter, affine_map: AffineMap, operands: Sequence[SSAValue]) -> list[str]:
    return map_results_to_c(affine_map, [e.expr(v) for v in operands])


def declare_carried(e: CEmitter, results: Sequence[SSAValue], block_args: Sequence[SSAValue], inits: Sequence[SSAValue] | None) -> None:
    """Mutable variables for values carried by a loop or produced by a conditional."""
    for i, result in enumerate(results):
        hint = result.name_hint or (block_args[i].name_hint if i < len(block_args) else None)
        var = e.fresh_name(hint, "acc")
        ctype = e.type_name(result.type)
        if inits is not None:
            e.line(f"{ctype} {var} = {e.expr(inits[i])};")
        else:
            e.line(f"{ctype} {var};")
        e.bind(result, var)
        if i < len(block_args):
            e.bind(block_args[i], var)


def assign_all(e: CEmitter, targets: Sequence[str], values: Sequence[SSAValue]) -> None:
    """targets[i] = values[i] for all i, as a simultaneous assignment."""
    pairs = [(t, e.expr(v)) for t, v in zip(targets, values, strict=True) if t != e.expr(v)]
    target_names = {t for t, _ in pairs}
    reads_target = any(re.search(rf"\b{re.escape(name)}\b", text) for name in target_names for _, text in pairs)
    if len(pairs) <= 1 or not reads_target:
        for target, text in pairs:
            e.line(f"{target} = {text};")
        return
    temps = []
    for (target, text), value in zip(pairs, values, strict=False):
        temp = e.fresh_name(f"{target}_next")
        e.line(f"const {e.type_name(value.type)} {temp} = {text};")
        temps.append((target, temp))
    for target, temp in temps:
        e.line(f"{target} = {temp};")


def emit_counted_loop(
    e: CEmitter,
    op: Operation,
    iv: SSAValue,
    lower: str,
    upper: str,
    step: str,
    parallel: bool,
) -> None:
    """`for (intptr_t iv = lower; iv < upper; iv += step) { body }` with its pragma."""
    name = e.name(iv, "i")
    if not _is_simple(upper):
        end = e.fresh_name(f"{name}_end")
        e.line(f"const intptr_t {end} = {upper};")
        upper = end
    parallel = parallel and e.options.openmp
    if parallel:
        e.uses_openmp = True
        e.line("#pragma omp parallel for")
    increment = f"++{name}" if step == "1" else f"{name} += {step}"
    with e.scope(f"for (intptr_t {name} = {lower}; {name} < {upper}; {increment}) {{"):
        e.parallel_depth += parallel
        try:
            e.emit_block(op.regions[0].block)
        finally:
            e.parallel_depth -= parallel


@emits(xdsl_affine.ForOp)
def _for(e: CEmitter, op: xdsl_affine.ForOp) -> None:
    lower = fold_extremum("nn_max", map_terms(e, op.lowerBoundMap.data, op.lowerBoundOperands))
    upper = fold_extremum("nn_min", map_terms(e, op.upperBoundMap.data, op.upperBoundOperands))
    block = op.body.block
    declare_carried(e, op.results, block.args[1:], op.inits)
    parallel = PARALLEL_ATTR in op.attributes and not op.inits
    emit_counted_loop(e, op, block.args[0], lower, upper, str(op.step.value.data), parallel)


@emits(xdsl_affine.YieldOp)
def _yield(e: CEmitter, op: xdsl_affine.YieldOp) -> None:
    parent = op.parent_op()
    if not op.operands or parent is None:
        return
    if isinstance(parent, xdsl_affine.ForOp | scf.ForOp):
        targets = [e.expr(a) for a in parent.body.block.args[1:]]
    else:
        targets = [e.expr(r) for r in parent.results]
    assign_all(e, targets, list(op.operands))


@emits(xdsl_affine.IfOp)
def _if(e: CEmitter, op: xdsl_affine.IfOp) -> None:
    condition = op.condition.data
    operands = [e.expr(v) for v in op.args]
    dims, symbols = operands[: condition.num_dims], operands[condition.num_dims :]
    clauses = []
    for constraint in condition.constraints:
        lhs = affine_to_c(constraint.lhs, dims, symbols)
        rhs = affine_to_c(constraint.rhs, dims, symbols)
        clauses.append(f"{lhs} {constraint.kind.value} {rhs}")
    declare_carried(e, op.results, [], None)
    test = " && ".join(clauses) if clauses else "true"
    with e.scope(f"if ({test}) {{"):
        e.emit_block(op.then_region.block)
    else_block = op.else_region.blocks[0] if op.else_region.blocks else None
    if else_block is not None and (else_block.first_op is not else_block.last_op or op.results):
        e.lines[-1] = e.lines[-1] + " else {"
        e.indent += 1
        e.emit_block(else_block)
        e.indent -= 1
        e.line("}")


@emits(xdsl_affine.ApplyOp)
def _apply(e: CEmitter, op: xdsl_affine.ApplyOp) -> None:
    [term] = map_terms(e, op.map.data, op.mapOperands)
    e.define(op.result, term)


@emits(xdsl_affine.MinOp)
def _min(e: CEmitter, op: xdsl_affine.MinOp) -> None:
    e.define(op.result, fold_extremum("nn_min", map_terms(e, op.map.data, op.arguments)))


@emits(MaxOp)
def _max(e: CEmitter, op: MaxOp) -> None:
    e.define(op.result, fold_extremum("nn_max", map_terms(e, op.map.data, op.arguments)))


@emits(xdsl_affine.LoadOp)
def _load(e: CEmitter, op: xdsl_affine.LoadOp) -> None:
    indices = map_terms(e, op.map.data, op.indices)
    e.define(op.result, e.element_address(op.memref, indices))


@emits(xdsl_affine.StoreOp)
def _store(e: CEmitter, op: xdsl_affine.StoreOp) -> None:
    indices = map_terms(e, op.map.data, op.indices)
    e.line(f"{e.element_address(op.memref, indices)} = {e.expr(op.value)};")
