"""C spellings of MLIR types and constants.

    c_type(f32) == "float";  c_type(IndexType()) == "intptr_t"
    float_literal(0.5, f32) == "0.5f";  float_literal(inf, f32) == "INFINITY"
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import (
    AnyFloat,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
    VectorType,
)
from xdsl.ir import Attribute

from nnopt.dialects.layouts import memref_layout, memref_size
from nnopt.support.diagnostics import CompileError

__all__ = ["memref_layout", "memref_size"]

_INT_TYPES = {1: "bool", 8: "int8_t", 16: "int16_t", 32: "int32_t", 64: "int64_t"}
_UINT_TYPES = {1: "bool", 8: "uint8_t", 16: "uint16_t", 32: "uint32_t", 64: "uint64_t"}


def c_type(type_: Attribute) -> str:
    """The C type holding one value of `type_` (scalars only)."""
    if isinstance(type_, Float32Type):
        return "float"
    if isinstance(type_, Float64Type):
        return "double"
    if isinstance(type_, Float16Type):
        return "_Float16"
    if isinstance(type_, IndexType):
        return "intptr_t"
    if isinstance(type_, IntegerType) and type_.width.data in _INT_TYPES:
        return _INT_TYPES[type_.width.data]
    raise CompileError(f"type {type_} has no C equivalent")


def unsigned_c_type(type_: Attribute) -> str:
    if isinstance(type_, IndexType):
        return "uintptr_t"
    if isinstance(type_, IntegerType) and type_.width.data in _UINT_TYPES:
        return _UINT_TYPES[type_.width.data]
    raise CompileError(f"type {type_} is not an integer type")


def element_c_type(type_: Attribute) -> str:
    """The C element type of a memref, vector or scalar type."""
    if isinstance(type_, MemRefType | VectorType):
        return c_type(type_.get_element_type())
    return c_type(type_)


def float_literal(value: float, type_: Attribute) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "(-INFINITY)"
    if isinstance(type_, Float64Type):
        text = repr(float(value))
        suffix = ""
    else:
        text = format(value, ".9g")
        suffix = "f"
    if not any(c in text for c in ".en"):
        text += ".0"
    literal = text + suffix
    if isinstance(type_, Float16Type):
        return f"((_Float16){literal})"
    return f"({literal})" if literal.startswith("-") else literal


def int_literal(value: int, type_: Attribute) -> str:
    if isinstance(type_, IntegerType) and type_.width.data == 1:
        return "true" if value & 1 else "false"
    if isinstance(type_, IntegerType) and type_.width.data == 64:
        return f"INT64_C({value})"
    return str(value) if value >= 0 else f"({value})"


def scalar_literal(value: float | int, type_: Attribute) -> str:
    if isinstance(type_, AnyFloat):
        return float_literal(float(value), type_)
    return int_literal(int(value), type_)
