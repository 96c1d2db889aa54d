"""Watching passes run: IR dumps before/after, diffs, and timing, as mlir-opt does.

    instrumentation = PassInstrumentation(print_after=frozenset({"bufferize"}), time_passes=True)
    instrumentation.run(apply, module, pass_)      # apply() runs the pass
    instrumentation.report_timing(sys.stderr)

A named pipeline (`lower-to-affine`) is a pass made of passes: its steps are
watched one by one (`depth` 1), and the pipeline as a whole (`depth` 0) is
dumped only when named in `print_after` and appears in the timing report with
its steps indented below it.
"""

from __future__ import annotations

import difflib
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer


@dataclass(frozen=True)
class PassTiming:
    name: str
    seconds: float
    depth: int


@dataclass
class PassInstrumentation:
    print_after_all: bool = False
    print_before_all: bool = False
    print_after: frozenset[str] = frozenset()
    print_diff: bool = False
    time_passes: bool = False
    generic: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    timings: list[PassTiming] = field(default_factory=list)

    def _text(self, module: ModuleOp) -> str:
        buffer = io.StringIO()
        Printer(stream=buffer, print_generic_format=self.generic).print_op(module)
        return buffer.getvalue() + "\n"

    def wants_text(self) -> bool:
        return self.print_after_all or self.print_before_all or bool(self.print_after) or self.print_diff

    def run(
        self, apply: Callable[[], None], module: ModuleOp, pass_: ModulePass, depth: int = 0, composite: bool = False
    ) -> None:
        """Call `apply` (which runs `pass_` on `module`) with printing and timing.

        A `composite` pass (a named pipeline) has its steps instrumented on their
        own; it is only dumped when named in `print_after`.
        """
        every_pass = not composite
        before = self._text(module) if self.wants_text() else ""
        if self.print_before_all and every_pass:
            self.stream.write(f"// -----// IR Dump Before {pass_.name} //----- //\n{before}\n")
        index = len(self.timings)
        self.timings.append(PassTiming(pass_.name, 0.0, depth))
        start = time.perf_counter()
        apply()
        self.timings[index] = PassTiming(pass_.name, time.perf_counter() - start, depth)
        if not self.wants_text():
            return
        after = self._text(module)
        if (self.print_after_all and every_pass) or pass_.name in self.print_after:
            self.stream.write(f"// -----// IR Dump After {pass_.name} //----- //\n{after}\n")
        if self.print_diff and every_pass:
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
        total = sum(t.seconds for t in self.timings if t.depth == 0) or 1e-12
        stream.write("===" + "-" * 73 + "===\n")
        stream.write("                      ... Pass execution timing report ...\n")
        stream.write("===" + "-" * 73 + "===\n")
        stream.write(f"  Total Execution Time: {total:.4f} seconds\n\n")
        stream.write("  ----Wall Time----  ----Name----\n")
        for timing in self.timings:
            indent = "  " * timing.depth
            stream.write(f"  {timing.seconds:8.4f} ({100 * timing.seconds / total:5.1f}%)  {indent}{timing.name}\n")
        stream.write(f"  {total:8.4f} (100.0%)  Total\n")


__all__ = ["PassInstrumentation", "PassTiming"]
