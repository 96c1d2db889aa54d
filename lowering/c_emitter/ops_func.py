"""C for functions, calls and returns.

    func.func @f(%x: memref<4xf32>, %out: memref<4xf32>)
        ->  int f(const float *restrict x, float *restrict out) { ... return 0; }
    func.call @g(%a) : (memref<4xf32>) -> ()   ->  if (g(a)) return 1;
    func.return %s : f32                      ->  *result0 = s; return 0;

Private functions are `static`; declarations become prototypes.
"""

from __future__ import annotations

from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import SSAValue

from nnopt.lowering.c_emitter.emitter import CEmitter, check_c_symbol
from nnopt.lowering.c_emitter.registry import emits
from nnopt.lowering.c_emitter.types import c_type, element_c_type, memref_layout
from nnopt.passes.memory_access import written_roots
from nnopt.support.diagnostics import CompileError

RESULT_PREFIX = "result"


def _signature(e: CEmitter, op: func.FuncOp, readonly: set[SSAValue]) -> str:
    params: list[str] = []
    if op.is_declaration:
        types = list(op.function_type.inputs.data)
        for i, t in enumerate(types):
            ctype = f"{element_c_type(t)} *" if isinstance(t, MemRefType) else c_type(t)
            params.append(f"{ctype} arg{i}")
    else:
        for i, arg in enumerate(op.body.block.args):
            if not isinstance(arg.type, MemRefType) and arg.type.name in ("tensor", "vector"):
                raise CompileError(
                    f"argument #{i} has type {arg.type}; C functions take memrefs and "
                    "scalars (run bufferize first)",
                    op,
                )
            name = e.name(arg, "arg")
            if isinstance(arg.type, MemRefType):
                memref_layout(arg.type)  # rejects dynamic shapes and layouts
                const = "const " if arg in readonly else ""
                params.append(f"{const}{element_c_type(arg.type)} *restrict {name}")
            else:
                params.append(f"{c_type(arg.type)} {name}")
    for i, t in enumerate(op.function_type.outputs.data):
        if isinstance(t, MemRefType):
            raise CompileError(
                "returns a memref; functions emitted as C write results into arguments (bufferize)",
                op,
            )
        params.append(f"{c_type(t)} *restrict {RESULT_PREFIX}{i}")
    static = "static " if op.sym_visibility is not None and op.sym_visibility.data == "private" else ""
    return f"{static}int {op.sym_name.data}({', '.join(params) or 'void'})"


@emits(func.FuncOp)
def _function(e: CEmitter, op: func.FuncOp) -> None:
    check_c_symbol(op.sym_name.data, "function", op)
    if op.is_declaration:
        e.line(_signature(e, op, set()) + ";")
        return
    if len(op.body.blocks) != 1:
        raise CompileError("has several blocks; the C emitter handles structured control flow only", op)
    for i in range(len(op.function_type.outputs.data)):
        e.fn.taken.add(f"{RESULT_PREFIX}{i}")
    written = written_roots(op)
    readonly: set[SSAValue] = {a for a in op.body.block.args if a not in written}
    e.fn.readonly = readonly
    with e.scope(_signature(e, op, readonly) + " {"):
        e.emit_block(op.body.block)


@emits(func.ReturnOp)
def _return(e: CEmitter, op: func.ReturnOp) -> None:
    for i, value in enumerate(op.arguments):
        e.line(f"*{RESULT_PREFIX}{i} = {e.expr(value)};")
    e.line("return 0;")


@emits(func.CallOp)
def _call(e: CEmitter, op: func.CallOp) -> None:
    args = [e.expr(v) for v in op.arguments]
    for result in op.results:
        e.line(f"{c_type(result.type)} {e.name(result)};")
        args.append(f"&{e.name(result)}")
    e.line(f"if ({op.callee.string_value()}({', '.join(args)})) return 1;")
