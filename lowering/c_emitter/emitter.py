"""The C emitter's walker: functions, blocks, names, and dispatch to the op table.

    text = CEmitter(target_features).emit_module(module)

Each op kind is handled by one function registered in `registry.HANDLERS`
(see ops_*.py); this file only walks the IR, names values, and offers the
helpers handlers share (value expressions, memref element addresses).

Calling convention of every generated function:

    int f(const float *restrict x, float *restrict out, ...)

memref arguments are pointers to their first element (read-only ones are
`const`), scalars are passed by value, scalar results come back through trailing
pointers, and the return value is 0 on success and 1 when an allocation failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType, ModuleOp, VectorType
from xdsl.ir import Attribute, Block, Operation, SSAValue

from nnopt.lowering.c_emitter.prelude import PRELUDE
from nnopt.lowering.c_emitter.registry import HANDLERS
from nnopt.lowering.c_emitter.types import c_type, memref_layout
from nnopt.support.diagnostics import CompileError

_C_KEYWORDS = frozenset(
    ["auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "NAN", "INFINITY"]
)

_IDENT = re.compile(r"[^A-Za-z0-9_]")
_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

LIBRARY_NAMES = frozenset(
    ["malloc", "calloc", "realloc", "free", "aligned_alloc", "memcpy", "memset", "memmove", "abort", "exit"]
    + [f"{base}{suffix}" for base in (
        "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "tanh", "sin", "cos",
        "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "erf", "fabs", "floor",
        "ceil", "round", "nearbyint", "trunc", "pow", "atan2", "copysign", "fmax", "fmin", "fma",
    ) for suffix in ("", "f")]
)
"""Functions of the C library the generated code includes or calls."""

TYPE_NAMES = frozenset(
    ["size_t", "intptr_t", "uintptr_t", "_Float16"]
    + [f"{sign}int{width}_t" for sign in ("", "u") for width in (8, 16, 32, 64)]
)
"""Type names the generated code spells: a variable of that name would hide the type."""

RESERVED_NAMES = _C_KEYWORDS | LIBRARY_NAMES | TYPE_NAMES


def c_symbol_problem(name: str) -> str | None:
    """Why `name` cannot name a function or global in the generated C (None: it can)."""
    if not _C_IDENTIFIER.fullmatch(name):
        return "it is not a C identifier"
    if name in _C_KEYWORDS:
        return "it is a C keyword"
    if name.startswith("nn_"):
        return "names starting with 'nn_' are reserved for the generated C's helpers"
    if name in LIBRARY_NAMES or name in TYPE_NAMES:
        return "the generated C uses the C library name"
    return None


def check_c_symbol(name: str, what: str, op: Operation) -> None:
    problem = c_symbol_problem(name)
    if problem is not None:
        raise CompileError(f"'{name}' is not a valid C {what} name: {problem}; rename it", op)


@dataclass
class EmitOptions:
    """What the target lets the emitter use."""

    openmp: bool = True
    """Emit `#pragma omp parallel for` for loops marked parallel."""
    vector_features: frozenset[str] = frozenset()
    """Target SIMD features the vector-op handlers may use (e.g. "avx512f")."""


@dataclass
class FunctionState:
    """Per-function emission state."""

    names: dict[SSAValue, str] = field(default_factory=dict)
    expressions: dict[SSAValue, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    memref_base: dict[SSAValue, SSAValue] = field(default_factory=dict)
    """Root buffer (argument, allocation, global) of each memref value."""
    readonly: set[SSAValue] = field(default_factory=set)
    """Memref arguments the function never writes (emitted `const`)."""


class CEmitter:
    def __init__(self, options: EmitOptions | None = None) -> None:
        self.options = options or EmitOptions()
        self.lines: list[str] = []
        self.indent = 0
        self.fn = FunctionState()
        self.module_names: set[str] = set()
        self.globals: list[str] = []
        self.uses_openmp = False
        self.parallel_depth = 0
        """How many OpenMP parallel loops enclose the op being emitted."""
        self.extra_prelude: list[str] = []
        self.helpers = 0

    # -- output --------------------------------------------------------------------

    def line(self, text: str) -> None:
        self.lines.append("  " * self.indent + text)

    @contextmanager
    def scope(self, opener: str, closer: str = "}") -> Iterator[None]:
        self.line(opener)
        self.indent += 1
        try:
            yield
        finally:
            self.indent -= 1
            self.line(closer)

    def fresh_helper_name(self) -> str:
        """A module-unique name for a generated static function."""
        self.helpers += 1
        return f"nn_body{self.helpers}"

    def need_prelude(self, text: str) -> None:
        """Add a helper definition once, after the standard prelude."""
        if text not in self.extra_prelude:
            self.extra_prelude.append(text)

    # -- names and values ----------------------------------------------------------

    def fresh_name(self, hint: str | None, fallback: str = "v") -> str:
        base = _IDENT.sub("_", hint) if hint else fallback
        if not base or base[0].isdigit():
            base = f"{fallback}{base}"
        if base in RESERVED_NAMES or base.startswith("nn_"):
            base = f"{base}_"
        name, counter = base, 0
        while name in self.fn.taken or name in self.module_names:
            counter += 1
            name = f"{base}_{counter}"
        self.fn.taken.add(name)
        return name

    def name(self, value: SSAValue, fallback: str = "v") -> str:
        """The C variable holding `value` (created on first request)."""
        if value not in self.fn.names:
            self.fn.names[value] = self.fresh_name(value.name_hint, fallback)
        return self.fn.names[value]

    def bind(self, value: SSAValue, name: str) -> None:
        """Make `value` refer to an existing C variable."""
        self.fn.names[value] = name

    def set_expression(self, value: SSAValue, text: str) -> None:
        """Use `text` (a constant literal, say) wherever `value` is used."""
        self.fn.expressions[value] = text

    def expr(self, value: SSAValue) -> str:
        """A C expression for `value`."""
        if value in self.fn.expressions:
            return self.fn.expressions[value]
        if value in self.fn.names:
            return self.fn.names[value]
        raise CompileError(f"value {value.name_hint or ''} is used before the C emitter defined it", value.owner if isinstance(value.owner, Operation) else None)

    def define(self, value: SSAValue, text: str, type_: Attribute | None = None, mutable: bool = False) -> str:
        """Declare a C variable for `value` initialised with `text`."""
        ctype = self.type_name(type_ if type_ is not None else value.type)
        name = self.name(value)
        qualifier = "" if mutable else "const "
        self.line(f"{qualifier}{ctype} {name} = {text};")
        return name

    def type_name(self, type_: Attribute) -> str:
        handler = HANDLERS.type_names.get(type(type_))
        return handler(self, type_) if handler is not None else c_type(type_)

    # -- memrefs -------------------------------------------------------------------

    def set_base(self, view: SSAValue, source: SSAValue) -> None:
        self.fn.memref_base[view] = self.fn.memref_base.get(source, source)

    def element_address(self, memref: SSAValue, indices: Sequence[str]) -> str:
        """`name[linear index]` for a memref element given C index expressions."""
        type_ = memref.type
        assert isinstance(type_, MemRefType)
        strides, offset = memref_layout(type_)
        terms = [str(offset)] if offset else []
        for index, stride in zip(indices, strides, strict=True):
            if index == "0" or stride == 0:
                continue
            terms.append(index if stride == 1 else f"{index} * {stride}")
        linear = " + ".join(terms) if terms else "0"
        return f"{self.expr(memref)}[{linear}]"

    # -- walking -------------------------------------------------------------------

    def emit_block(self, block: Block) -> None:
        for op in block.ops:
            self.emit_op(op)

    def emit_op(self, op: Operation) -> None:
        table = HANDLERS.ops
        if op.dialect_name() in ("arith", "math") and _has_vector_values(op):
            table = HANDLERS.vector_ops
        handler = table.get(type(op))
        if handler is None:
            for base in type(op).__mro__[1:]:
                handler = table.get(base)
                if handler is not None:
                    break
        if handler is None:
            raise CompileError(
                "cannot be emitted as C; lower it to affine/scf/arith/math/memref/vector first",
                op,
            )
        try:
            handler(self, op)
        except CompileError as error:
            if error.op is None and error.location is None:
                raise CompileError(error.message, op) from None
            raise

    def emit_module(self, module: ModuleOp) -> str:
        functions = [op for op in module.body.block.ops if isinstance(op, func.FuncOp)]
        self.module_names = {f.sym_name.data for f in functions}
        bodies: list[str] = []
        for op in module.body.block.ops:
            if isinstance(op, func.FuncOp):
                self.lines = []
                self.fn = FunctionState()
                self.emit_op(op)
                bodies.append("\n".join(self.lines))
            else:
                self.lines = []
                self.emit_op(op)
                self.globals.extend(self.lines)
        parts = [PRELUDE.rstrip("\n")]
        if self.uses_openmp:
            parts[0] = "#include <omp.h>\n" + parts[0]
        parts.extend(text.rstrip("\n") for text in self.extra_prelude)
        if self.globals:
            parts.append("\n".join(self.globals))
        parts.extend(bodies)
        return "\n\n".join(parts) + "\n"


def _has_vector_values(op: Operation) -> bool:
    return any(isinstance(v.type, VectorType) for v in (*op.operands, *op.results))


def emit_c(module: ModuleOp, options: EmitOptions | None = None) -> str:
    """C source for a module at the affine/scf/memref/vector level."""
    # importing the op modules fills the handler table
    from nnopt.lowering.c_emitter import (  # noqa: F401
        ops_affine,
        ops_arith,
        ops_func,
        ops_memref,
        ops_scf,
        ops_vector,
    )

    return CEmitter(options).emit_module(module)
