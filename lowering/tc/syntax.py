"""Tensor comprehension text -> syntax tree, with lark and the grammar in tc.lark.

    functions = parse_tc(text, "model.tc")
    functions[0].statements[0].target.tensor     # "O"

Every node keeps the line and column it starts at. A grammar error is a
CompileError at the offending token (`model.tc:3:14: error: unexpected ...`)
with the source line and a caret.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from nnopt.support.diagnostics import CompileError, SourceLocation

# -- the syntax tree ---------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class IndexExpr:
    """An affine index: sum(coefficient * variable) + constant."""

    coefficients: tuple[tuple[str, int], ...]
    constant: int
    position: Position

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.coefficients)

    def coefficient(self, name: str) -> int:
        return dict(self.coefficients).get(name, 0)

    def plain_variable(self) -> str | None:
        """The variable when the index is exactly one variable (`i`), else None."""
        if self.constant == 0 and len(self.coefficients) == 1 and self.coefficients[0][1] == 1:
            return self.coefficients[0][0]
        return None

    def __str__(self) -> str:
        terms: list[str] = []
        for name, coefficient in self.coefficients:
            term = name if abs(coefficient) == 1 else f"{abs(coefficient)}*{name}"
            if not terms:
                terms.append(term if coefficient > 0 else f"-{term}")
            else:
                terms.append(f"{'+' if coefficient > 0 else '-'} {term}")
        if self.constant or not terms:
            if not terms:
                terms.append(str(self.constant))
            else:
                terms.append(f"{'+' if self.constant > 0 else '-'} {abs(self.constant)}")
        return " ".join(terms)


@dataclass(frozen=True)
class Access:
    tensor: str
    indices: tuple[IndexExpr, ...]
    position: Position

    def __str__(self) -> str:
        return f"{self.tensor}[{', '.join(str(i) for i in self.indices)}]"


@dataclass(frozen=True)
class Number:
    value: float
    position: Position


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Expr, ...]
    position: Position


@dataclass(frozen=True)
class Binary:
    operator: str
    """'+', '-', '*' or '/'."""
    lhs: Expr
    rhs: Expr
    position: Position


@dataclass(frozen=True)
class Negate:
    operand: Expr
    position: Position


Expr = Access | Number | Call | Binary | Negate


@dataclass(frozen=True)
class RangeDecl:
    index: str
    start: int
    stop: int
    position: Position


@dataclass(frozen=True)
class Statement:
    target: Access
    operator: str
    """'=', '+=', '*=', 'max=' or 'min='."""
    value: Expr
    ranges: tuple[RangeDecl, ...]
    position: Position


@dataclass(frozen=True)
class Param:
    name: str
    element_type: str
    shape: tuple[int, ...]
    position: Position
    type_position: Position


@dataclass(frozen=True)
class OutputName:
    name: str
    position: Position


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    outputs: tuple[OutputName, ...]
    statements: tuple[Statement, ...]
    position: Position


def accesses(expr: Expr) -> Iterator[Access]:
    """The tensor accesses of `expr`, left to right."""
    if isinstance(expr, Access):
        yield expr
    elif isinstance(expr, Call):
        for argument in expr.arguments:
            yield from accesses(argument)
    elif isinstance(expr, Binary):
        yield from accesses(expr.lhs)
        yield from accesses(expr.rhs)
    elif isinstance(expr, Negate):
        yield from accesses(expr.operand)


# -- errors ------------------------------------------------------------------------


@dataclass
class SourceText:
    """The text being compiled, for locations and excerpts."""

    text: str
    file_name: str
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()

    def location(self, position: Position) -> SourceLocation:
        return SourceLocation(self.file_name, position.line, position.column)

    def excerpt(self, position: Position) -> str:
        if not 1 <= position.line <= len(self.lines):
            return ""
        source_line = self.lines[position.line - 1]
        return f"{source_line}\n{' ' * (position.column - 1)}^"

    def error(self, message: str, position: Position) -> CompileError:
        return CompileError(message, location=self.location(position), excerpt=self.excerpt(position))


# -- parsing -----------------------------------------------------------------------


class _NewlinesInBrackets:
    """Drop newlines inside (...) and [...], so that they continue a line."""

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        for token in stream:
            if token.type in ("LPAR", "LSQB"):
                depth += 1
            elif token.type in ("RPAR", "RSQB"):
                depth = max(0, depth - 1)
            elif token.type == "_NL" and depth:
                continue
            yield token


@functools.cache
def _parser() -> Lark:
    grammar = resources.files("nnopt.lowering.tc").joinpath("tc.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", postlex=_NewlinesInBrackets(), propagate_positions=True)


def _position(item: Token | Tree[Token]) -> Position:
    if isinstance(item, Token):
        return Position(item.line or 1, item.column or 1)
    return Position(item.meta.line, item.meta.column)


def _affine(expr: IndexExpr | Token) -> IndexExpr:
    assert isinstance(expr, IndexExpr)
    return expr


def _combine(a: IndexExpr, b: IndexExpr, sign: int, position: Position) -> IndexExpr:
    coefficients = dict(a.coefficients)
    for name, coefficient in b.coefficients:
        coefficients[name] = coefficients.get(name, 0) + sign * coefficient
    kept = tuple((n, c) for n, c in coefficients.items() if c != 0)
    return IndexExpr(kept, a.constant + sign * b.constant, position)


class NonAffineIndex(Exception):
    def __init__(self, position: Position) -> None:
        super().__init__("an index must be affine: a product may have at most one index variable")
        self.position = position


@v_args(meta=True)
class _ToSyntaxTree(Transformer[Token, list[Function]]):
    def start(self, meta: object, items: Sequence[Function]) -> list[Function]:
        return list(items)

    def function(self, meta: object, items: list[object]) -> Function:
        name = items[0]
        assert isinstance(name, Token)
        params = tuple(i for i in items[1:] if isinstance(i, Param))
        outputs = next(i for i in items if isinstance(i, tuple))
        statements = tuple(i for i in items if isinstance(i, Statement))
        return Function(str(name), params, outputs, statements, _position(name))

    def param(self, meta: object, items: tuple[Token, tuple[str, tuple[int, ...], Position]]) -> Param:
        name, (element_type, shape, type_position) = items
        return Param(str(name), element_type, shape, _position(name), type_position)

    def tensor_type(self, meta: object, items: list[Token | None]) -> tuple[str, tuple[int, ...], Position]:
        element_type = items[0]
        assert element_type is not None
        return str(element_type), tuple(int(t) for t in items[1:] if t is not None), _position(element_type)

    def outputs(self, meta: object, items: list[Token]) -> tuple[OutputName, ...]:
        return tuple(OutputName(str(t), _position(t)) for t in items)

    def statement(self, meta: object, items: list[object]) -> Statement:
        target, operator, value = items[0], items[1], items[2]
        ranges = items[3] if len(items) > 3 else ()
        assert isinstance(target, Access) and isinstance(operator, Token)
        return Statement(target, str(operator), value, ranges, target.position)  # type: ignore[arg-type]

    def where(self, meta: object, items: list[RangeDecl]) -> tuple[RangeDecl, ...]:
        return tuple(items)

    def range(self, meta: object, items: list[Token]) -> RangeDecl:
        name, start, stop = items
        return RangeDecl(str(name), int(start), int(stop), _position(name))

    def access(self, meta: object, items: list[object]) -> Access:
        name = items[0]
        assert isinstance(name, Token)
        indices = tuple(_affine(i) for i in items[1:] if i is not None)  # type: ignore[arg-type]
        return Access(str(name), indices, _position(name))

    # index expressions

    def index_var(self, meta: object, items: list[Token]) -> IndexExpr:
        return IndexExpr(((str(items[0]), 1),), 0, _position(items[0]))

    def index_const(self, meta: object, items: list[Token]) -> IndexExpr:
        return IndexExpr((), int(items[0]), _position(items[0]))

    def index_add(self, meta: object, items: list[IndexExpr]) -> IndexExpr:
        return _combine(items[0], items[1], 1, items[0].position)

    def index_sub(self, meta: object, items: list[IndexExpr]) -> IndexExpr:
        return _combine(items[0], items[1], -1, items[0].position)

    def index_neg(self, meta: object, items: list[IndexExpr]) -> IndexExpr:
        zero = IndexExpr((), 0, items[0].position)
        return _combine(zero, items[0], -1, items[0].position)

    def index_mul(self, meta: object, items: list[IndexExpr]) -> IndexExpr:
        a, b = items
        if a.coefficients and b.coefficients:
            raise NonAffineIndex(b.position)
        factor, expr = (a.constant, b) if not a.coefficients else (b.constant, a)
        coefficients = tuple((n, c * factor) for n, c in expr.coefficients if c * factor != 0)
        return IndexExpr(coefficients, expr.constant * factor, a.position)

    # scalar expressions

    def number(self, meta: object, items: list[Token]) -> Number:
        return Number(float(items[0]), _position(items[0]))

    def call(self, meta: object, items: list[object]) -> Call:
        name = items[0]
        assert isinstance(name, Token)
        arguments = tuple(i for i in items[1:] if i is not None)
        return Call(str(name), arguments, _position(name))  # type: ignore[arg-type]

    def _binary(self, operator: str, items: list[Expr]) -> Binary:
        return Binary(operator, items[0], items[1], items[0].position)

    def add(self, meta: object, items: list[Expr]) -> Binary:
        return self._binary("+", items)

    def sub(self, meta: object, items: list[Expr]) -> Binary:
        return self._binary("-", items)

    def mul(self, meta: object, items: list[Expr]) -> Binary:
        return self._binary("*", items)

    def div(self, meta: object, items: list[Expr]) -> Binary:
        return self._binary("/", items)

    def neg(self, meta: object, items: list[Expr]) -> Negate:
        return Negate(items[0], Position(items[0].position.line, max(1, items[0].position.column - 1)))


_TOKEN_NAMES = {
    "_NL": "end of line",
    "$END": "end of input",
    "NAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "ASSIGN": "'=', '+=', '*=', 'max=' or 'min='",
}


def _describe_terminal(name: str) -> str:
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    for terminal in _parser().terminals:
        if terminal.name == name and terminal.pattern.type == "str":
            return f"'{terminal.pattern.value}'"
    return name.lower()


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of input"
    if token.type == "_NL":
        return "end of line"
    return f"'{token}'"


def _syntax_error(error: UnexpectedInput, source: SourceText) -> CompileError:
    line, column = max(error.line, 1), max(error.column, 1)
    if isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream or 0
        character = source.text[offset] if offset < len(source.text) else ""
        message = f"unexpected character '{character}'"
    elif isinstance(error, UnexpectedToken | UnexpectedEOF):
        token = error.token
        if isinstance(error, UnexpectedEOF) or token.type == "$END":
            line, column = len(source.lines) or 1, len(source.lines[-1]) + 1 if source.lines else 1
        parser_state = getattr(error, "interactive_parser", None)
        acceptable = parser_state.accepts() if parser_state is not None else error.expected
        described = {_describe_terminal(t) for t in acceptable}
        if "a number" in described:
            described.discard("an integer")
        expected = sorted(described)
        found = _describe_token(token) if isinstance(error, UnexpectedToken) else "end of input"
        message = f"unexpected {found}; expected {', '.join(expected)}"
    else:
        message = "syntax error"
    return source.error(message, Position(line, column))


def parse_tc(text: str, file_name: str = "<tc>") -> list[Function]:
    """The functions of a tensor comprehension source; CompileError on bad syntax."""
    source = SourceText(text, file_name)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, source) from None
    try:
        return _ToSyntaxTree().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, NonAffineIndex):
            raise source.error(str(error.orig_exc), error.orig_exc.position) from None
        raise
