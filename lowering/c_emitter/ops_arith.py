"""C for arith and math ops on scalars.

    %s = arith.addf %a, %b : f32           ->  const float s = a + b;
    %e = math.exp %x : f32                 ->  const float e = expf(x);
    %m = arith.maximumf %x, %c0 : f32      ->  const float m = nn_maximumf(x, 0.0f);
    %c = arith.constant 2.5 : f32          ->  (no line; uses of %c read 2.5f)

Arith and math ops on vectors have their own table (`HANDLERS.vector_ops`).
"""

from __future__ import annotations

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    AnyFloat,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
)
from xdsl.ir import Attribute, Operation

from nnopt.lowering.c_emitter.emitter import CEmitter
from nnopt.lowering.c_emitter.registry import emits
from nnopt.lowering.c_emitter.types import c_type, scalar_literal, unsigned_c_type
from nnopt.support.diagnostics import CompileError

BINARY_OPERATORS: dict[type[Operation], str] = {
    arith.AddfOp: "+",
    arith.SubfOp: "-",
    arith.MulfOp: "*",
    arith.DivfOp: "/",
    arith.DivSIOp: "/",
    arith.RemSIOp: "%",
    arith.AndIOp: "&",
    arith.OrIOp: "|",
    arith.XOrIOp: "^",
    arith.ShRSIOp: ">>",
}

WRAPPING_OPERATORS: dict[type[Operation], str] = {
    arith.AddiOp: "+",
    arith.SubiOp: "-",
    arith.MuliOp: "*",
    arith.ShLIOp: "<<",
}
"""Integer ops that wrap around in MLIR but whose signed C counterparts have
undefined behaviour on overflow: computed in the unsigned type of the same width
(in `unsigned int` below 32 bits, where C would promote to a signed int)."""

UNSIGNED_OPERATORS: dict[type[Operation], str] = {
    arith.DivUIOp: "/",
    arith.RemUIOp: "%",
    arith.ShRUIOp: ">>",
}

# (name for f64, suffix "f" added for f32): the libm function of each math op
UNARY_CALLS: dict[type[Operation], str] = {
    math.ExpOp: "exp",
    math.Exp2Op: "exp2",
    math.ExpM1Op: "expm1",
    math.LogOp: "log",
    math.Log2Op: "log2",
    math.Log10Op: "log10",
    math.Log1pOp: "log1p",
    math.SqrtOp: "sqrt",
    math.CbrtOp: "cbrt",
    math.TanhOp: "tanh",
    math.SinOp: "sin",
    math.CosOp: "cos",
    math.TanOp: "tan",
    math.SinhOp: "sinh",
    math.CoshOp: "cosh",
    math.AsinOp: "asin",
    math.AcosOp: "acos",
    math.AtanOp: "atan",
    math.AsinhOp: "asinh",
    math.AcoshOp: "acosh",
    math.AtanhOp: "atanh",
    math.ErfOp: "erf",
    math.AbsFOp: "fabs",
    math.FloorOp: "floor",
    math.CeilOp: "ceil",
    math.RoundOp: "round",
    math.RoundEvenOp: "nearbyint",
    math.TruncOp: "trunc",
}

BINARY_CALLS: dict[type[Operation], str] = {
    math.PowFOp: "pow",
    math.Atan2Op: "atan2",
    math.CopySignOp: "copysign",
    arith.MaxnumfOp: "fmax",
    arith.MinnumfOp: "fmin",
}

CMPF = {
    "oeq": "{a} == {b}",
    "ogt": "{a} > {b}",
    "oge": "{a} >= {b}",
    "olt": "{a} < {b}",
    "ole": "{a} <= {b}",
    "one": "({a} < {b} || {a} > {b})",
    "ord": "({a} == {a} && {b} == {b})",
    "ueq": "!({a} < {b} || {a} > {b})",
    "ugt": "!({a} <= {b})",
    "uge": "!({a} < {b})",
    "ult": "!({a} >= {b})",
    "ule": "!({a} > {b})",
    "une": "{a} != {b}",
    "uno": "({a} != {a} || {b} != {b})",
    "true": "true",
    "false": "false",
}

CMPI_SIGNED = {"eq": "==", "ne": "!=", "slt": "<", "sle": "<=", "sgt": ">", "sge": ">="}
CMPI_UNSIGNED = {"ult": "<", "ule": "<=", "ugt": ">", "uge": ">="}


def libm_name(base: str, type_: Attribute) -> str:
    return base if isinstance(type_, Float64Type) else f"{base}f"


@emits(arith.ConstantOp)
def _constant(e: CEmitter, op: arith.ConstantOp) -> None:
    value = op.value
    if isinstance(value, FloatAttr | IntegerAttr):
        e.set_expression(op.result, scalar_literal(value.value.data, op.result.type))
        return
    raise CompileError("constant of this type cannot be emitted as C (bufferize tensors first)", op)


def _binary(e: CEmitter, op: Operation) -> None:
    a, b = (e.expr(v) for v in op.operands)
    result = op.results[0]
    if type(op) in UNSIGNED_OPERATORS:
        u = unsigned_c_type(result.type)
        text = f"({c_type(result.type)})(({u}){a} {UNSIGNED_OPERATORS[type(op)]} ({u}){b})"
    elif type(op) in WRAPPING_OPERATORS:
        u = wrapping_c_type(result.type)
        wrapped = f"({u}){a} {WRAPPING_OPERATORS[type(op)]} ({u}){b}"
        if isinstance(result.type, IntegerType) and result.type.width.data == 1:
            wrapped = f"({wrapped}) & 1u"  # i1 wraps modulo 2; a C bool would saturate
        text = f"({c_type(result.type)})({wrapped})"
    elif type(op) in BINARY_OPERATORS:
        text = f"{a} {BINARY_OPERATORS[type(op)]} {b}"
    else:
        text = f"{libm_name(BINARY_CALLS[type(op)], result.type)}({a}, {b})"
    e.define(result, text)


def wrapping_c_type(type_: Attribute) -> str:
    """The unsigned C type in which integer arithmetic of `type_` wraps without promotion."""
    if isinstance(type_, IntegerType) and type_.width.data < 32:
        return "unsigned int"
    return unsigned_c_type(type_)


for _op in (*BINARY_OPERATORS, *UNSIGNED_OPERATORS, *WRAPPING_OPERATORS, *BINARY_CALLS):
    emits(_op)(_binary)


@emits(*UNARY_CALLS)
def _unary_call(e: CEmitter, op: Operation) -> None:
    result = op.results[0]
    e.define(result, f"{libm_name(UNARY_CALLS[type(op)], result.type)}({e.expr(op.operands[0])})")


@emits(math.RsqrtOp)
def _rsqrt(e: CEmitter, op: math.RsqrtOp) -> None:
    t = op.result.type
    e.define(op.result, f"{scalar_literal(1.0, t)} / {libm_name('sqrt', t)}({e.expr(op.operand)})")


@emits(math.FmaOp)
def _fma(e: CEmitter, op: math.FmaOp) -> None:
    a, b, c = (e.expr(v) for v in op.operands)
    e.define(op.result, f"{libm_name('fma', op.result.type)}({a}, {b}, {c})")


@emits(arith.FloorDivSIOp, arith.CeilDivSIOp)
def _rounded_division(e: CEmitter, op: Operation) -> None:
    """Signed division rounding toward minus (floordivsi) or plus (ceildivsi) infinity."""
    a, b = (e.expr(v) for v in op.operands)
    result = op.results[0]
    helper = "nn_floordiv" if isinstance(op, arith.FloorDivSIOp) else "nn_ceildiv"
    e.define(result, f"({c_type(result.type)}){helper}((intptr_t){a}, (intptr_t){b})")


@emits(arith.CeilDivUIOp)
def _ceildivui(e: CEmitter, op: arith.CeilDivUIOp) -> None:
    a, b = (e.expr(v) for v in op.operands)
    result = op.results[0]
    u = unsigned_c_type(result.type)
    e.define(result, f"({c_type(result.type)})(({u}){a} / ({u}){b} + (({u}){a} % ({u}){b} != 0))")


@emits(arith.NegfOp)
def _negf(e: CEmitter, op: arith.NegfOp) -> None:
    e.define(op.result, f"-{e.expr(op.operand)}")


@emits(arith.MaximumfOp, arith.MinimumfOp)
def _nan_extremum(e: CEmitter, op: Operation) -> None:
    is_max = isinstance(op, arith.MaximumfOp)
    f64 = isinstance(op.results[0].type, Float64Type)
    helper = ("nn_maximum" if is_max else "nn_minimum") + ("" if f64 else "f")
    a, b = (e.expr(v) for v in op.operands)
    e.define(op.results[0], f"{helper}({a}, {b})")


@emits(arith.MaxSIOp, arith.MinSIOp, arith.MaxUIOp, arith.MinUIOp)
def _int_extremum(e: CEmitter, op: Operation) -> None:
    a, b = (e.expr(v) for v in op.operands)
    t = op.results[0].type
    greater = isinstance(op, arith.MaxSIOp | arith.MaxUIOp)
    if isinstance(op, arith.MaxUIOp | arith.MinUIOp):
        u = unsigned_c_type(t)
        a, b = f"(({u}){a})", f"(({u}){b})"
    cmp = ">" if greater else "<"
    e.define(op.results[0], f"({c_type(t)})({a} {cmp} {b} ? {a} : {b})")


@emits(arith.CmpfOp)
def _cmpf(e: CEmitter, op: arith.CmpfOp) -> None:
    predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
    text = CMPF[predicate].format(a=e.expr(op.lhs), b=e.expr(op.rhs))
    e.define(op.result, text)


@emits(arith.CmpiOp)
def _cmpi(e: CEmitter, op: arith.CmpiOp) -> None:
    predicate = arith.CMPI_COMPARISON_OPERATIONS[op.predicate.value.data]
    a, b = e.expr(op.lhs), e.expr(op.rhs)
    if predicate in CMPI_UNSIGNED:
        u = unsigned_c_type(op.lhs.type)
        text = f"({u}){a} {CMPI_UNSIGNED[predicate]} ({u}){b}"
    else:
        text = f"{a} {CMPI_SIGNED[predicate]} {b}"
    e.define(op.result, text)


@emits(arith.SelectOp)
def _select(e: CEmitter, op: arith.SelectOp) -> None:
    c, a, b = (e.expr(v) for v in op.operands)
    e.define(op.result, f"{c} ? {a} : {b}")


@emits(
    arith.ExtFOp,
    arith.TruncFOp,
    arith.SIToFPOp,
    arith.FPToSIOp,
    arith.IndexCastOp,
    arith.ExtSIOp,
    arith.TruncIOp,
)
def _cast(e: CEmitter, op: Operation) -> None:
    result, source = op.results[0], op.operands[0]
    value = e.expr(source)
    if _is_i1(source.type) and isinstance(op, arith.ExtSIOp | arith.SIToFPOp | arith.IndexCastOp):
        value = f"(-(int){value})"  # a signed i1 holds 0 or -1; a C bool holds 0 or 1
    elif _is_i1(result.type) and isinstance(op, arith.TruncIOp | arith.IndexCastOp):
        value = f"({value} & 1)"  # truncation keeps the low bit; a C bool cast tests for non-zero
    e.define(result, f"({c_type(result.type)}){value}")


def _is_i1(type_: Attribute) -> bool:
    return isinstance(type_, IntegerType) and type_.width.data == 1


@emits(arith.UIToFPOp, arith.FPToUIOp, arith.ExtUIOp)
def _unsigned_cast(e: CEmitter, op: Operation) -> None:
    source, result = op.operands[0], op.results[0]
    if isinstance(op, arith.FPToUIOp):
        text = f"({c_type(result.type)})({unsigned_c_type(result.type)}){e.expr(source)}"
    else:
        text = f"({c_type(result.type)})({unsigned_c_type(source.type)}){e.expr(source)}"
    e.define(result, text)


@emits(arith.BitcastOp)
def _bitcast(e: CEmitter, op: arith.BitcastOp) -> None:
    target = c_type(op.result.type)
    name = e.name(op.result)
    e.line(f"{target} {name};")
    e.line(f"memcpy(&{name}, &(({c_type(op.input.type)}){{{e.expr(op.input)}}}), sizeof {name});")


def is_float(type_: Attribute) -> bool:
    return isinstance(type_, AnyFloat)


def is_integer(type_: Attribute) -> bool:
    return isinstance(type_, IntegerType | IndexType)
