"""The numpy dtype of a scalar IR type: one table for every layer that moves
values between numpy and the IR.

    scalar_dtype(f32) == np.dtype(np.float32)
    scalar_dtype(i1) == np.dtype(np.bool_)
    scalar_dtype(index) == np.dtype(np.int64)
    scalar_dtype(bf16) is None          # numpy has no such dtype

Callers raise their own error for None: the calling convention a CompileError
(`nnopt.signatures`), the reference executor an UnsupportedOpError.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import Float16Type, Float32Type, Float64Type, IndexType, IntegerType
from xdsl.ir import Attribute

INDEX_DTYPE = np.dtype(np.int64)
"""`index` is 64 bits on every target we emit for (intptr_t in the C)."""

_INTEGERS = {1: np.bool_, 8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}


def scalar_dtype(type_: Attribute) -> np.dtype | None:
    """The numpy dtype holding one value of the scalar type `type_`, if numpy has one."""
    if isinstance(type_, Float32Type):
        return np.dtype(np.float32)
    if isinstance(type_, Float64Type):
        return np.dtype(np.float64)
    if isinstance(type_, Float16Type):
        return np.dtype(np.float16)
    if isinstance(type_, IndexType):
        return INDEX_DTYPE
    if isinstance(type_, IntegerType) and type_.width.data in _INTEGERS:
        return np.dtype(_INTEGERS[type_.width.data])
    return None


__all__ = ["INDEX_DTYPE", "scalar_dtype"]
