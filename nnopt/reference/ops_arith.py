"""Semantics of arith and math ops, on scalars and on numpy arrays alike.

The same step serves a scalar op in a loop body, an op on vector values, and a
linalg body evaluated over a whole iteration space at once. Results keep the
op's element type (numpy's float32 arithmetic is IEEE single precision, as in
C); integers wrap around as in C; `index` values are Python ints.

    %s = arith.addf %a, %b : f32       ->  env[s] = env[a] + env[b]
    %m = arith.maximumf %a, %b : f32   ->  NaN if either is NaN, and max(-0, +0) = +0
                                           (`extrema.py` of nnopt.passes.graph.semantics)
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    VectorType,
)
from xdsl.ir import Attribute, Operation

from nnopt.passes.graph.semantics.extrema import maximumf, minimumf
from nnopt.reference.errors import UndefinedBehaviourError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step, implements
from nnopt.reference.values import (
    Allocation,
    Buffer,
    convert,
    dense_array,
    element_type,
    numpy_dtype,
    scalar,
)

# -- helpers shared by several ops ------------------------------------------------


def is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)


def where(condition: Any, a: Any, b: Any) -> Any:
    if is_array(condition) or is_array(a) or is_array(b):
        return np.where(condition, a, b)
    return a if condition else b


def _nonzero(divisor: Any) -> None:
    if np.any(np.asarray(divisor) == 0):
        raise UndefinedBehaviourError("divides an integer by zero")


def divsi(a: Any, b: Any) -> Any:
    """Signed division rounding toward zero (C's `/`)."""
    _nonzero(b)
    if is_array(a) or is_array(b):
        q = np.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))
    q = a // b
    return q + 1 if q < 0 and q * b != a else q


def remsi(a: Any, b: Any) -> Any:
    """Remainder with the sign of the dividend (C's `%`)."""
    return a - b * divsi(a, b)


def floordivsi(a: Any, b: Any) -> Any:
    _nonzero(b)
    return a // b


def ceildivsi(a: Any, b: Any) -> Any:
    _nonzero(b)
    return -((-a) // b)


def _width(type_: Attribute) -> int:
    type_ = element_type(type_)
    return 64 if isinstance(type_, IndexType) else type_.width.data  # type: ignore[attr-defined]


def _unsigned(value: Any, type_: Attribute) -> Any:
    """The unsigned reading of a signless integer (or index) value."""
    width = _width(type_)
    if is_array(value):
        return value.astype(np.uint64) & np.uint64((1 << width) - 1)
    return int(value) & ((1 << width) - 1)


def _from_unsigned(value: Any, type_: Attribute) -> Any:
    """The signless value of type `type_` whose unsigned reading is `value` modulo 2^width."""
    width = _width(type_)
    if is_array(value):
        return (value & np.uint64((1 << width) - 1)).astype(numpy_dtype(type_))
    bits = int(value) & ((1 << width) - 1)
    if bits >= 1 << (width - 1):
        bits -= 1 << width
    return scalar(bits, type_)


def _unsigned_binary(fn: Callable[[Any, Any], Any], check_zero: bool) -> Callable[[Any, Any, Attribute], Any]:
    def apply(a: Any, b: Any, type_: Attribute) -> Any:
        ua, ub = _unsigned(a, type_), _unsigned(b, type_)
        if check_zero:
            _nonzero(ub)
        return _from_unsigned(fn(ua, ub), type_)

    return apply


# -- constants ---------------------------------------------------------------------


@implements(arith.ConstantOp)
def _constant(interp: Interpreter, op: arith.ConstantOp) -> Step:
    value = op.value
    result = op.result
    type_ = result.type
    constant: Any
    if isinstance(value, FloatAttr | IntegerAttr):
        constant = scalar(value.value.data, type_)
    elif isinstance(value, DenseIntOrFPElementsAttr):
        dtype = numpy_dtype(element_type(type_))
        array = dense_array(value.get_values(), value.get_shape() or (), dtype)
        if isinstance(type_, VectorType):
            constant = array
        else:
            # a constant tensor: an immutable buffer shared by every use
            constant = Buffer.contiguous(
                Allocation(array.reshape(-1), "a constant tensor", writable=False), array.shape
            )
    else:
        raise UnsupportedOpError(f"has a value of kind {type(value).__name__}")

    def step(env: Env) -> None:
        env[result] = constant

    return step


# -- binary and unary ops ---------------------------------------------------------------

BINARY: dict[type[Operation], Callable[[Any, Any], Any]] = {
    arith.AddfOp: operator.add,
    arith.SubfOp: operator.sub,
    arith.MulfOp: operator.mul,
    arith.DivfOp: operator.truediv,
    arith.AddiOp: operator.add,
    arith.SubiOp: operator.sub,
    arith.MuliOp: operator.mul,
    arith.DivSIOp: divsi,
    arith.RemSIOp: remsi,
    arith.FloorDivSIOp: floordivsi,
    arith.CeilDivSIOp: ceildivsi,
    arith.AndIOp: operator.and_,
    arith.OrIOp: operator.or_,
    arith.XOrIOp: operator.xor,
    arith.MaximumfOp: maximumf,
    arith.MinimumfOp: minimumf,
    arith.MaxnumfOp: np.fmax,
    arith.MinnumfOp: np.fmin,
    arith.MaxSIOp: np.maximum,
    arith.MinSIOp: np.minimum,
    math.PowFOp: np.power,
    math.Atan2Op: np.arctan2,
    math.CopySignOp: np.copysign,
}

UNSIGNED_BINARY: dict[type[Operation], Callable[[Any, Any, Attribute], Any]] = {
    arith.DivUIOp: _unsigned_binary(operator.floordiv, True),
    arith.RemUIOp: _unsigned_binary(operator.mod, True),
    arith.CeilDivUIOp: _unsigned_binary(lambda a, b: -((-a) // b) if not is_array(a) else (a + b - 1) // b, True),
    arith.MaxUIOp: _unsigned_binary(np.maximum, False),
    arith.MinUIOp: _unsigned_binary(np.minimum, False),
}


def _is_i1(type_: Attribute) -> bool:
    type_ = element_type(type_)
    return isinstance(type_, IntegerType) and type_.width.data == 1


def _index_result(value: Any, type_: Attribute) -> Any:
    if isinstance(type_, IndexType) and not is_array(value):
        return int(value)
    return value


BOOLEAN_BINARY: dict[type[Operation], Callable[[Any, Any], Any]] = {
    arith.AddiOp: operator.xor,
    arith.SubiOp: operator.xor,
    arith.MuliOp: operator.and_,
}
"""i1 arithmetic wraps modulo 2 (numpy's bool `+` would be a logical or)."""


@implements(*BINARY)
def _binary(interp: Interpreter, op: Operation) -> Step:
    fn = BINARY[type(op)]
    lhs, rhs = op.operands
    result = op.results[0]
    if _is_i1(result.type) and type(op) in BOOLEAN_BINARY:
        fn = BOOLEAN_BINARY[type(op)]
    if isinstance(result.type, IndexType) and type(op) in (arith.MaxSIOp, arith.MinSIOp):
        fn = max if isinstance(op, arith.MaxSIOp) else min  # type: ignore[assignment]

    def step(env: Env) -> None:
        env[result] = fn(env[lhs], env[rhs])

    return step


@implements(*UNSIGNED_BINARY)
def _unsigned_op(interp: Interpreter, op: Operation) -> Step:
    fn = UNSIGNED_BINARY[type(op)]
    lhs, rhs = op.operands
    result = op.results[0]
    type_ = element_type(result.type)

    def step(env: Env) -> None:
        env[result] = fn(env[lhs], env[rhs], type_)

    return step


@implements(arith.ShLIOp, arith.ShRSIOp, arith.ShRUIOp)
def _shift(interp: Interpreter, op: Operation) -> Step:
    lhs, rhs = op.operands
    result = op.results[0]
    type_ = element_type(result.type)
    width = _width(type_)

    def step(env: Env) -> None:
        a, b = env[lhs], env[rhs]
        if np.any((np.asarray(b) < 0) | (np.asarray(b) >= width)):
            raise UndefinedBehaviourError(f"shifts a {width}-bit value by {b} bits")
        if isinstance(op, arith.ShLIOp):
            value = _from_unsigned(_unsigned(a, type_) << _as_shift(b), type_)
        elif isinstance(op, arith.ShRSIOp):
            value = a >> b
        else:
            value = _from_unsigned(_unsigned(a, type_) >> _as_shift(b), type_)
        env[result] = _index_result(value, type_)

    return step


def _as_shift(value: Any) -> Any:
    return value.astype(np.uint64) if is_array(value) else int(value)


UNARY: dict[type[Operation], Callable[[Any], Any]] = {
    arith.NegfOp: operator.neg,
    math.ExpOp: np.exp,
    math.Exp2Op: np.exp2,
    math.ExpM1Op: np.expm1,
    math.LogOp: np.log,
    math.Log2Op: np.log2,
    math.Log10Op: np.log10,
    math.Log1pOp: np.log1p,
    math.SqrtOp: np.sqrt,
    math.CbrtOp: np.cbrt,
    math.TanhOp: np.tanh,
    math.SinOp: np.sin,
    math.CosOp: np.cos,
    math.TanOp: np.tan,
    math.SinhOp: np.sinh,
    math.CoshOp: np.cosh,
    math.AsinOp: np.arcsin,
    math.AcosOp: np.arccos,
    math.AtanOp: np.arctan,
    math.AsinhOp: np.arcsinh,
    math.AcoshOp: np.arccosh,
    math.AtanhOp: np.arctanh,
    math.AbsFOp: np.abs,
    math.AbsIOp: np.abs,
    math.FloorOp: np.floor,
    math.CeilOp: np.ceil,
    math.RoundEvenOp: np.rint,
    math.TruncOp: np.trunc,
}


def _round_half_away(x: Any) -> Any:
    return np.copysign(np.floor(np.abs(x) + 0.5), x).astype(np.result_type(x))


def _erf(x: Any) -> Any:
    import math as pymath

    vectorised = np.vectorize(pymath.erf, otypes=[np.float64])
    return np.asarray(vectorised(x)).astype(np.result_type(x))[()] if not is_array(x) else vectorised(x).astype(x.dtype)


def _rsqrt(x: Any) -> Any:
    return (np.asarray(1.0, dtype=np.result_type(x)) / np.sqrt(x))[()] if not is_array(x) else 1 / np.sqrt(x)


UNARY[math.RoundOp] = _round_half_away
UNARY[math.ErfOp] = _erf
UNARY[math.RsqrtOp] = _rsqrt


@implements(*UNARY)
def _unary(interp: Interpreter, op: Operation) -> Step:
    fn = UNARY[type(op)]
    [operand] = op.operands
    result = op.results[0]

    def step(env: Env) -> None:
        env[result] = fn(env[operand])

    return step


@implements(math.FmaOp)
def _fma(interp: Interpreter, op: math.FmaOp) -> Step:
    a, b, c = op.operands
    result = op.result
    dtype = numpy_dtype(element_type(result.type))

    def step(env: Env) -> None:
        exact = np.float64(env[a]) * np.float64(env[b]) + np.float64(env[c]) if dtype != np.float64 else env[a] * env[b] + env[c]
        env[result] = np.asarray(exact).astype(dtype)[()] if not is_array(exact) else exact.astype(dtype)

    return step


@implements(math.IPowIOp, math.FPowIOp)
def _powi(interp: Interpreter, op: Operation) -> Step:
    lhs, rhs = op.operands
    result = op.results[0]
    type_ = element_type(result.type)

    def step(env: Env) -> None:
        value = np.power(env[lhs], env[rhs])
        env[result] = convert(value, type_) if not is_array(value) else value.astype(numpy_dtype(type_))

    return step


# -- comparisons and selection ----------------------------------------------------------

CMPF: dict[str, Callable[[Any, Any], Any]] = {
    "false": lambda a, b: np.zeros(np.broadcast(a, b).shape, dtype=bool)[()],
    "oeq": operator.eq,
    "ogt": operator.gt,
    "oge": operator.ge,
    "olt": operator.lt,
    "ole": operator.le,
    "one": lambda a, b: (a < b) | (a > b),
    "ord": lambda a, b: ~(np.isnan(a) | np.isnan(b)),
    "ueq": lambda a, b: ~((a < b) | (a > b)),
    "ugt": lambda a, b: ~(a <= b),
    "uge": lambda a, b: ~(a < b),
    "ult": lambda a, b: ~(a >= b),
    "ule": lambda a, b: ~(a > b),
    "une": operator.ne,
    "uno": lambda a, b: np.isnan(a) | np.isnan(b),
    "true": lambda a, b: np.ones(np.broadcast(a, b).shape, dtype=bool)[()],
}


@implements(arith.CmpfOp)
def _cmpf(interp: Interpreter, op: arith.CmpfOp) -> Step:
    fn = CMPF[arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]]
    lhs, rhs, result = op.lhs, op.rhs, op.result

    def step(env: Env) -> None:
        env[result] = np.bool_(fn(env[lhs], env[rhs])) if not is_array(env[lhs]) else fn(env[lhs], env[rhs])

    return step


SIGNED_CMPI: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "slt": operator.lt,
    "sle": operator.le,
    "sgt": operator.gt,
    "sge": operator.ge,
}
UNSIGNED_CMPI: dict[str, Callable[[Any, Any], Any]] = {
    "ult": operator.lt,
    "ule": operator.le,
    "ugt": operator.gt,
    "uge": operator.ge,
}


@implements(arith.CmpiOp)
def _cmpi(interp: Interpreter, op: arith.CmpiOp) -> Step:
    predicate = arith.CMPI_COMPARISON_OPERATIONS[op.predicate.value.data]
    lhs, rhs, result = op.lhs, op.rhs, op.result
    type_ = element_type(lhs.type)
    if predicate in SIGNED_CMPI:
        fn = SIGNED_CMPI[predicate]

        def step(env: Env) -> None:
            env[result] = np.bool_(fn(env[lhs], env[rhs])) if not is_array(env[lhs]) else fn(env[lhs], env[rhs])

        return step
    unsigned_fn = UNSIGNED_CMPI[predicate]

    def unsigned_step(env: Env) -> None:
        value = unsigned_fn(_unsigned(env[lhs], type_), _unsigned(env[rhs], type_))
        env[result] = value if is_array(value) else np.bool_(value)

    return unsigned_step


@implements(arith.SelectOp)
def _select(interp: Interpreter, op: arith.SelectOp) -> Step:
    cond, lhs, rhs = op.operands
    result = op.result

    def step(env: Env) -> None:
        env[result] = where(env[cond], env[lhs], env[rhs])

    return step


# -- conversions ------------------------------------------------------------------------


@implements(
    arith.ExtFOp,
    arith.TruncFOp,
    arith.SIToFPOp,
    arith.FPToSIOp,
    arith.IndexCastOp,
    arith.ExtSIOp,
    arith.TruncIOp,
)
def _cast(interp: Interpreter, op: Operation) -> Step:
    [source] = op.operands
    result = op.results[0]
    type_ = result.type
    target = element_type(type_)
    to_index = isinstance(target, IndexType)

    signed_from_i1 = _is_i1(source.type) and isinstance(op, arith.ExtSIOp | arith.SIToFPOp | arith.IndexCastOp)
    to_i1 = _is_i1(target) and isinstance(op, arith.TruncIOp | arith.IndexCastOp)

    def step(env: Env) -> None:
        value = env[source]
        if signed_from_i1:  # a signed i1 holds 0 or -1
            value = -np.asarray(value).astype(np.int64) if is_array(value) else -int(value)
        elif to_i1:  # truncation keeps the low bit
            value = np.asarray(value).astype(np.int64) & 1 if is_array(value) else int(value) & 1
        if is_array(value):
            env[result] = value.astype(numpy_dtype(target))
        elif to_index:
            env[result] = int(value)
        else:
            env[result] = scalar(value, target)

    return step


@implements(arith.UIToFPOp, arith.FPToUIOp, arith.ExtUIOp)
def _unsigned_cast(interp: Interpreter, op: Operation) -> Step:
    [source] = op.operands
    result = op.results[0]
    source_type = element_type(source.type)
    target = element_type(result.type)

    def step(env: Env) -> None:
        value = env[source]
        if isinstance(op, arith.FPToUIOp):
            converted = np.asarray(value).astype(np.uint64)
        else:
            converted = _unsigned(value, source_type)
        if is_array(value):
            env[result] = np.asarray(converted).astype(numpy_dtype(target))
        else:
            env[result] = scalar(int(converted) if not isinstance(op, arith.UIToFPOp) else converted, target)

    return step


@implements(arith.BitcastOp)
def _bitcast(interp: Interpreter, op: arith.BitcastOp) -> Step:
    source, result = op.input, op.result
    target = numpy_dtype(element_type(result.type))

    def step(env: Env) -> None:
        value = env[source]
        env[result] = np.asarray(value).view(target)[()] if not is_array(value) else value.view(target)

    return step


def integer_type(type_: Attribute) -> bool:
    return isinstance(element_type(type_), IntegerType | IndexType)
