"""Diagnostics: errors, warnings and remarks attached to source locations.

Every layer reports problems the same way. An error that stops a compilation is a
:class:`CompileError` carrying the operation it is about; the driver turns it into

    model.mlir:12:5: error: 'graph.matmul' op inner dimensions differ: 8 vs 9

A pass that declines a transformation emits a *remark* instead and goes on:

    with collect_diagnostics() as diagnostics:
        pass_.apply(ctx, module)     # calls emit_remark(op, "loop not affine ...")
    for d in diagnostics: print(d)

Diagnostics go to the innermost active collector; with none active, remarks and
warnings are dropped and errors are still raised.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from dataclasses import dataclass

from xdsl.dialects.builtin import FileLineColLoc, UnregisteredOp
from xdsl.ir import Attribute, Block, Operation


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    REMARK = "remark"
    NOTE = "note"


@dataclass(frozen=True)
class SourceLocation:
    """A position in a source file (1-based line and column).

    Line 0 stands for the whole file, for inputs without lines (a binary ONNX
    model): it prints as the file name alone.
    """

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line == 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    location: SourceLocation | None = None
    excerpt: str = ""
    """Optional source lines with a caret under the position, printed after."""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location is not None else ""
        text = f"{where}{self.severity.value}: {self.message}"
        return f"{text}\n{self.excerpt.rstrip()}" if self.excerpt else text


def location_of(op: Operation | None) -> SourceLocation | None:
    """The source location of `op`, or of its nearest enclosing op that has one.

    Ops created by passes usually carry no location; reporting the location of
    the op they were created inside is the most useful answer then.
    """
    while op is not None:
        loc: Attribute = op.location
        if isinstance(loc, FileLineColLoc):
            return SourceLocation(loc.filename.data, loc.line.data, loc.column.data)
        op = op.parent_op()
    return None


def describe_op(op: Operation) -> str:
    if isinstance(op, UnregisteredOp):
        return f"'{op.op_name.data}' op"
    return f"'{op.name}' op"


class CompileError(Exception):
    """An error that stops a compilation, about an operation when one is known.

    Raised by verifiers, passes, lowerings and the C emitter; the tools print it
    as a diagnostic and exit with status 1, the Python API lets it propagate.
    """

    def __init__(
        self,
        message: str,
        op: Operation | None = None,
        location: SourceLocation | None = None,
        excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.op = op
        self.location = location if location is not None else location_of(op)
        self.excerpt = excerpt

    def diagnostic(self) -> Diagnostic:
        text = self.message
        if self.op is not None and not text.startswith("'"):
            text = f"{describe_op(self.op)} {text}"
        return Diagnostic(Severity.ERROR, text, self.location, self.excerpt)

    def __str__(self) -> str:
        return str(self.diagnostic())


class DiagnosticCollector:
    """Receives the diagnostics emitted while it is active."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.diagnostics)

    def __len__(self) -> int:
        return len(self.diagnostics)


_active: contextvars.ContextVar[DiagnosticCollector | None] = contextvars.ContextVar(
    "nnopt_diagnostics", default=None
)


@contextlib.contextmanager
def collect_diagnostics() -> Iterator[DiagnosticCollector]:
    collector = DiagnosticCollector()
    token = _active.set(collector)
    try:
        yield collector
    finally:
        _active.reset(token)


def emit(severity: Severity, message: str, at: Operation | Block | None) -> None:
    collector = _active.get()
    if collector is None:
        return
    op = at.parent_op() if isinstance(at, Block) else at
    text = message
    if op is not None and severity is not Severity.NOTE:
        text = f"{describe_op(op)} {message}"
    collector.add(Diagnostic(severity, text, location_of(op)))


def emit_remark(op: Operation | Block | None, message: str) -> None:
    """Report why a transformation did not apply (or what it did)."""
    emit(Severity.REMARK, message, op)


def emit_warning(op: Operation | Block | None, message: str) -> None:
    emit(Severity.WARNING, message, op)
