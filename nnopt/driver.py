"""The machinery behind nn-opt: plugins, parsing, running passes with
instrumentation (printing, diffs, timing) and rendering the result.

    session = ToolSession(plugins=["my_dialect"])
    module = session.parse(text, "in.mlir")
    session.run_passes(module, session.parse_pipeline("lower-to-affine"), PassInstrumentation())
    print(session.render(module, OutputFormat("c")))
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from nnopt.instrumentation import PassInstrumentation
from nnopt.lowering.pass_registry import passes_by_name
from nnopt.lowering.pipeline import NamedPipeline, parse_pipeline, run_pass
from nnopt.plugins import load_plugins
from nnopt.registry import make_context
from nnopt.rendering import OutputFormat, parse_output_format, render
from nnopt.support.diagnostics import CompileError, emit
from nnopt.support.parsing import parse_module
from nnopt.support.verification import verification_errors


def check_pass_names(names: Sequence[str], option: str) -> None:
    """Every name in a pass filter (`--print-ir-after=a,b`) must be a known pass."""
    known = passes_by_name()
    for name in names:
        if name not in known:
            raise CompileError(f"{option} names '{name}', which is not a pass (nn-opt --list-passes shows them all)")


class ToolSession:
    """A context with our dialects and the requested plugins."""

    def __init__(self, plugins: Sequence[str] = (), allow_unregistered: bool = False) -> None:
        load_plugins(plugins)
        self.ctx = make_context()
        self.ctx.allow_unregistered = allow_unregistered

    def parse_pipeline(self, text: str) -> list[ModulePass]:
        return parse_pipeline(text)

    def parse(self, text: str, file_name: str, line_offset: int = 0) -> ModuleOp:
        """Parse and verify; every verifier error is reported, the last one raised."""
        module = parse_module(self.ctx, text, file_name, line_offset)
        errors = verification_errors(module)
        for error in errors[:-1]:
            diagnostic = error.diagnostic()
            emit(diagnostic.severity, error.message, error.op)
        if errors:
            raise errors[-1]
        return module

    def run_passes(
        self, module: ModuleOp, passes: Sequence[ModulePass], instrumentation: PassInstrumentation
    ) -> None:
        for pass_ in passes:
            self._run(module, pass_, instrumentation, 0)

    def _run(self, module: ModuleOp, pass_: ModulePass, instrumentation: PassInstrumentation, depth: int) -> None:
        if isinstance(pass_, NamedPipeline):
            steps = parse_pipeline(",".join(pass_.steps()))

            def run_steps() -> None:
                for step in steps:
                    self._run(module, step, instrumentation, depth + 1)

            instrumentation.run(run_steps, module, pass_, depth, composite=True)
            return
        instrumentation.run(functools.partial(run_pass, self.ctx, module, pass_), module, pass_, depth)

    def render(
        self, module: ModuleOp, output: OutputFormat, generic: bool = False, function: str | None = None
    ) -> str:
        return render(self.ctx, module, output, generic, function)


__all__ = [
    "OutputFormat",
    "PassInstrumentation",
    "ToolSession",
    "check_pass_names",
    "parse_output_format",
]
