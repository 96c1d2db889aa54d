"""What nn-opt prints at the end: IR, C or a Graphviz picture, of one function or all.

    -t mlir | -t c | -t c{target=x86-avx2}      the module as it is (C: it must be C-ready)
    --emit=c [--emit-function=f]                C of a lowered *clone*: works at any level
    --emit=dot [--emit-function=f]              Graphviz of the data flow (view=dataflow)
    --emit=dot{view=dependences}                another registered view (support/dot_views.py)

`-t c` emits exactly the IR it is given, so an op above the affine level is an
error there; `--emit=c` first runs, on a copy, the conversions still needed
(`lower_to_c_ready`), so the C of a function can be read after any pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import ArgSpecParseError

from nnopt.compiler import emit_options
from nnopt.lowering.c_emitter import emit_c
from nnopt.lowering.pipeline import lower_to_c_ready
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import CompileError
from nnopt.support.dot import combine
from nnopt.support.dot_views import function_view

_OPTIONS = {"mlir": set(), "c": {"target"}, "dot": {"view"}}


@dataclass(frozen=True)
class OutputFormat:
    kind: str
    """'mlir', 'c' or 'dot'."""
    target: str = "native"
    """For 'c': the target whose C is emitted."""
    view: str = "dataflow"
    """For 'dot': the registered view to draw."""
    lower_first: bool = False
    """For 'c': lower a clone to the C-ready level first (`--emit=c`)."""


def parse_output_format(text: str, lower_first: bool = False) -> OutputFormat:
    """`mlir`, `c`, `c{target=aarch64-neon}`, `dot` or `dot{view=dataflow}`."""
    try:
        spec = parse_spec(text)
    except ArgSpecParseError as error:
        raise CompileError(f"bad output format '{text}': {str(error).splitlines()[-1].strip()}") from None
    if spec.name not in _OPTIONS:
        raise CompileError(f"unknown output format '{spec.name}' (choose {', '.join(_OPTIONS)})")
    unknown = set(spec.parameters) - _OPTIONS[spec.name]
    if unknown:
        raise CompileError(f"output format '{spec.name}' takes no option {', '.join(sorted(unknown))}")
    target = spec.parameters.get("target", ("native",))
    view = spec.parameters.get("view", ("dataflow",))
    return OutputFormat(spec.name, str(target[0]), str(view[0]), lower_first)


def _functions(module: ModuleOp) -> list[func.FuncOp]:
    return [op for op in module.body.block.ops if isinstance(op, func.FuncOp)]


def _callees(function: func.FuncOp) -> set[str]:
    return {op.callee.root_reference.data for op in function.walk() if isinstance(op, func.CallOp)}


def select_function(module: ModuleOp, name: str) -> ModuleOp:
    """A copy of `module` without the functions that `name` does not (transitively) call."""
    functions = {f.sym_name.data: f for f in _functions(module)}
    if name not in functions:
        have = ", ".join(functions) or "none"
        raise CompileError(f"no function '{name}' in the module (functions: {have})")
    keep = {name}
    pending = [name]
    while pending:
        for callee in _callees(functions[pending.pop()]):
            if callee in functions and callee not in keep:
                keep.add(callee)
                pending.append(callee)
    copy = module.clone()
    for function in _functions(copy):
        if function.sym_name.data not in keep:
            copy.body.block.erase_op(function)
    return copy


def render(
    ctx: Context,
    module: ModuleOp,
    output: OutputFormat,
    generic: bool = False,
    function: str | None = None,
) -> str:
    """The text nn-opt prints for `module` in `output`, for `function` or all."""
    selected = select_function(module, function) if function else module
    if output.kind == "c":
        if output.lower_first:
            selected = selected.clone() if selected is module else selected
            lower_to_c_ready(ctx, selected)
        return emit_c(selected, emit_options(get_target(output.target)))
    if output.kind == "dot":
        graphs = [function_view(output.view, f) for f in _functions(selected) if not f.is_declaration]
        if not graphs:
            raise CompileError("the module has no function to draw")
        return combine("module", graphs).render()
    buffer = io.StringIO()
    Printer(stream=buffer, print_generic_format=generic).print_op(selected)
    return buffer.getvalue() + "\n"


__all__ = ["OutputFormat", "parse_output_format", "render", "select_function"]
