"""The machinery behind nn-opt: plugins, parsing, running passes with
instrumentation (printing, diffs, timing) and rendering the result.

    session = ToolSession(plugins=["my_dialect"])
    module = session.parse(text, "in.mlir")
    session.run_passes(module, session.parse_pipeline("lower-to-affine"), PassInstrumentation())
    print(session.render(module, OutputFormat("c")))
"""

from __future__ import annotations

import difflib
import functools
import io
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import ArgSpecParseError

from nnopt.lowering.c_emitter import emit_c
from nnopt.lowering.pipeline import parse_pipeline, run_pass
from nnopt.plugins import load_plugins
from nnopt.registry import make_context
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import CompileError, emit
from nnopt.support.parsing import parse_module
from nnopt.support.verification import verification_errors


@dataclass(frozen=True)
class OutputFormat:
    kind: str
    """'mlir' or 'c'."""
    target: str = "native"


def parse_output_format(text: str) -> OutputFormat:
    """`mlir`, `c` or `c{target=aarch64-neon}`."""
    try:
        spec = parse_spec(text)
    except ArgSpecParseError as error:
        raise CompileError(f"bad output format '{text}': {str(error).splitlines()[-1].strip()}") from None
    if spec.name not in ("mlir", "c"):
        raise CompileError(f"unknown output format '{spec.name}' (choose mlir or c)")
    unknown = set(spec.parameters) - {"target"}
    if unknown or (spec.name == "mlir" and spec.parameters):
        raise CompileError(f"output format '{spec.name}' takes no option {', '.join(sorted(unknown or spec.parameters))}")
    target = spec.parameters.get("target", ("native",))
    return OutputFormat(spec.name, str(target[0]))


@dataclass
class PassInstrumentation:
    print_after_all: bool = False
    print_before_all: bool = False
    print_after: frozenset[str] = frozenset()
    print_diff: bool = False
    time_passes: bool = False
    generic: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def _text(self, module: ModuleOp) -> str:
        buffer = io.StringIO()
        Printer(stream=buffer, print_generic_format=self.generic).print_op(module)
        return buffer.getvalue() + "\n"

    def wants_text(self) -> bool:
        return self.print_after_all or self.print_before_all or bool(self.print_after) or self.print_diff

    def run(self, apply: Callable[[], None], module: ModuleOp, pass_: ModulePass) -> None:
        """Call `apply` (which runs `pass_` on `module`) with printing and timing."""
        before = self._text(module) if self.wants_text() else ""
        if self.print_before_all:
            self.stream.write(f"// -----// IR Dump Before {pass_.name} //----- //\n{before}\n")
        start = time.perf_counter()
        apply()
        self.timings.append((pass_.name, time.perf_counter() - start))
        if not self.wants_text():
            return
        after = self._text(module)
        if self.print_after_all or pass_.name in self.print_after:
            self.stream.write(f"// -----// IR Dump After {pass_.name} //----- //\n{after}\n")
        if self.print_diff:
            diff = difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"before {pass_.name}",
                f"after {pass_.name}",
            )
            self.stream.write("".join(diff) or f"// {pass_.name}: no change\n")

    def report_timing(self, stream: TextIO) -> None:
        if not self.time_passes:
            return
        total = sum(t for _, t in self.timings) or 1e-12
        stream.write("===" + "-" * 73 + "===\n")
        stream.write("                      ... Pass execution timing report ...\n")
        stream.write("===" + "-" * 73 + "===\n")
        stream.write(f"  Total Execution Time: {total:.4f} seconds\n\n")
        stream.write("  ----Wall Time----  ----Name----\n")
        for name, seconds in self.timings:
            stream.write(f"  {seconds:8.4f} ({100 * seconds / total:5.1f}%)  {name}\n")
        stream.write(f"  {total:8.4f} (100.0%)  Total\n")


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
            instrumentation.run(functools.partial(run_pass, self.ctx, module, pass_), module, pass_)

    def render(self, module: ModuleOp, output: OutputFormat, generic: bool = False) -> str:
        if output.kind == "c":
            from nnopt.compiler import emit_options

            return emit_c(module, emit_options(get_target(output.target)))
        buffer = io.StringIO()
        Printer(stream=buffer, print_generic_format=generic).print_op(module)
        return buffer.getvalue() + "\n"
