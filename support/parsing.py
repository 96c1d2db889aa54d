"""Parsing textual IR with a source location on every operation.

xDSL's parser records a location only when the text spells `loc(...)`. Ours
attaches `loc("file.mlir":line:col)` to every operation it parses, so that
verifier errors and pass remarks can point at the line a user wrote:

    module = parse_module(ctx, text, "model.mlir")
    module.ops.first.location   # loc("model.mlir":1:1)

A syntax error becomes a :class:`CompileError` with the position and the
offending line.

It also reads hexadecimal elements of float `dense<...>` literals as bit
patterns, as MLIR does: xDSL 0.74 prints NaN, infinities and some large
integral values that way (`dense<[0xFF800000, 1.0]> : tensor<2xf32>` is -inf
and 1.0) but its parser takes 0xFF800000 for the number 4286578688.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import (
    AnyFloat,
    ComplexType,
    FileLineColLoc,
    IndexType,
    IntAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    UnknownLoc,
)
from xdsl.ir import Operation
from xdsl.parser import AttrParser, Parser
from xdsl.utils.exceptions import ParseError, UnregisteredConstructException
from xdsl.utils.lexer import Span

from nnopt.support.diagnostics import CompileError, SourceLocation


class _LineTable:
    """Maps character offsets of one input to (line, column) in O(log n)."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.starts = [0]
        self.starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
        self.line_offset = line_offset

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1 + self.line_offset, offset - self.starts[index] + 1


@dataclass
class _BitExactTensorLiteralElement(AttrParser._TensorLiteralElement):
    """A dense-literal element; `0x...` in a float literal is the element's bit pattern."""

    def to_type(
        self, parser: AttrParser, type: AnyFloat | IntegerType | IndexType | ComplexType
    ) -> object:
        is_bits = self.span.text.lower().startswith("0x") and isinstance(self.value, int)
        if isinstance(type, AnyFloat) and is_bits:
            assert isinstance(self.value, int)
            size = type.compile_time_size
            if self.value >= 1 << (8 * size):
                parser.raise_error(f"hexadecimal float literal does not fit {type}", self.span)
            return type.unpack(self.value.to_bytes(size, "little"), 1)[0]
        return super().to_type(parser, type)


class LocatingParser(Parser):
    """An xDSL parser that gives every parsed operation its file:line:col."""

    _TensorLiteralElement = _BitExactTensorLiteralElement

    def __init__(self, ctx: Context, text: str, name: str, line_offset: int = 0) -> None:
        super().__init__(ctx, text, name)
        self._file_name = StringAttr(name)
        self._lines = _LineTable(text, line_offset)

    def current_location(self) -> SourceLocation:
        line, column = self._lines.line_col(self.pos)
        return SourceLocation(self._file_name.data, line, column)

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):
            line, column = self._lines.line_col(start)
            op.location = FileLineColLoc(self._file_name, IntAttr(line), IntAttr(column))
        return op


def _span_location(span: Span[str] | Span[bytes], line_offset: int) -> SourceLocation:
    where = span.get_location()
    return SourceLocation(where.file, where.line + line_offset, where.col)


def _excerpt(span: Span[str] | Span[bytes]) -> str:
    """The offending source line with carets under the span, as MLIR prints it."""
    text = span.print_with_context()
    # print_with_context starts with the location line; keep the source part.
    return text.split("\n", 1)[1] if "\n" in text else ""


def _first_undefined_use(parser: LocatingParser) -> CompileError | None:
    """Point an 'undefined value' error at the first use, as MLIR does."""
    for name, values in parser.forward_ssa_references.items():
        for value in values.values():
            for use in value.uses:
                loc = use.operation.location
                if isinstance(loc, FileLineColLoc):
                    return CompileError(
                        f"use of undefined value '%{name}'",
                        location=SourceLocation(loc.filename.data, loc.line.data, loc.column.data),
                    )
    return None


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("//") for line in text.splitlines())


def _complete_message(message: str, span: Span[str] | Span[bytes]) -> str:
    """xDSL sometimes gives only the end of a message (' in block definition')."""
    if not message.startswith(" "):
        return message
    text = span.text if isinstance(span.text, str) else ""
    found = f"'{text}'" if text.strip() else "end of input (is a '}' missing?)"
    return f"unexpected {found}{message}"


def parse_module(
    ctx: Context, text: str, file_name: str = "<stdin>", line_offset: int = 0
) -> ModuleOp:
    """Parse `text` into a module (an implicit one if the text has none).

    Raises CompileError for syntax errors and unknown operations or dialects.
    """
    if _only_comments(text):
        return ModuleOp([])  # as mlir-opt: an empty input is an empty module
    parser: LocatingParser | None = None
    try:
        parser = LocatingParser(ctx, text, file_name, line_offset)  # lexes the first token
        return parser.parse_module()
    except ParseError as error:
        undefined = _first_undefined_use(parser) if parser is not None else None
        if undefined is not None:
            raise undefined from None
        raise CompileError(
            _complete_message(error.msg, error.span),
            location=_span_location(error.span, line_offset),
            excerpt=_excerpt(error.span),
        ) from None
    except UnregisteredConstructException as error:
        raise CompileError(
            f"{error} (is its dialect registered? plugins load with --load-plugin)",
            location=_where(parser, file_name, line_offset),
        ) from None
    except Exception as error:  # an op's own parser failed in an unplanned way
        raise CompileError(
            f"cannot parse: {type(error).__name__}: {error}",
            location=_where(parser, file_name, line_offset),
        ) from None


def _where(parser: LocatingParser | None, file_name: str, line_offset: int) -> SourceLocation:
    if parser is None:
        return SourceLocation(file_name, 1 + line_offset, 1)
    return parser.current_location()
