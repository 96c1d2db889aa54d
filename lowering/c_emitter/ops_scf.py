"""C for scf ops (structured control flow with SSA bounds).

    scf.for %i = %lb to %ub step %s iter_args(%acc = %z) -> (f32) { ... scf.yield %n : f32 }
        ->  float acc = z; for (intptr_t i = lb; i < ub; i += s) { ... acc = n; }
    scf.if %c -> (f32) { scf.yield %a : f32 } else { scf.yield %b : f32 }
        ->  float r; if (c) { r = a; } else { r = b; }
"""

from __future__ import annotations

from xdsl.dialects import scf

from nnopt.lowering.c_emitter.emitter import CEmitter
from nnopt.lowering.c_emitter.ops_affine import (
    PARALLEL_ATTR,
    assign_all,
    declare_carried,
    emit_counted_loop,
)
from nnopt.lowering.c_emitter.registry import emits


@emits(scf.ForOp)
def _for(e: CEmitter, op: scf.ForOp) -> None:
    block = op.body.block
    declare_carried(e, op.results, block.args[1:], op.iter_args)
    parallel = PARALLEL_ATTR in op.attributes and not op.iter_args
    emit_counted_loop(e, op, block.args[0], e.expr(op.lb), e.expr(op.ub), e.expr(op.step), parallel)


@emits(scf.YieldOp)
def _yield(e: CEmitter, op: scf.YieldOp) -> None:
    parent = op.parent_op()
    if not op.operands or parent is None:
        return
    if isinstance(parent, scf.ForOp):
        targets = [e.expr(a) for a in parent.body.block.args[1:]]
    else:
        targets = [e.expr(r) for r in parent.results]
    assign_all(e, targets, list(op.operands))


@emits(scf.IfOp)
def _if(e: CEmitter, op: scf.IfOp) -> None:
    declare_carried(e, op.results, [], None)
    with e.scope(f"if ({e.expr(op.cond)}) {{"):
        e.emit_block(op.true_region.block)
    if op.false_region.blocks:
        e.lines[-1] += " else {"
        e.indent += 1
        e.emit_block(op.false_region.block)
        e.indent -= 1
        e.line("}")
