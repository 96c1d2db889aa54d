"""Constant tensors as numpy arrays, and back.

    array = constant_array(op.operands[1])       # np.ndarray if a graph.constant defines it
    new = constant_op(array, result_type)        # graph.constant (None: element type has no numpy dtype)

Elements are stored little-endian in the attribute's bytes, so the conversion is
a view, not a loop over elements.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import AnyFloat, BytesAttr, DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Attribute, SSAValue

from nnopt.dialects import graph


def numpy_dtype(element_type: Attribute) -> np.dtype | None:
    """The numpy dtype holding elements of `element_type` (f16, f32, f64), if there is one."""
    fmt = getattr(element_type, "format", None)
    if not isinstance(fmt, str):
        return None
    try:
        return np.dtype(fmt)
    except TypeError:
        return None


def array_of_attr(attr: DenseIntOrFPElementsAttr) -> np.ndarray | None:
    """The elements of a dense attribute, in its shape (None for unsupported types)."""
    dtype = numpy_dtype(attr.get_element_type())
    if dtype is None:
        return None
    flat = np.frombuffer(attr.data.data, dtype=dtype)
    shape = attr.get_shape()
    if flat.size == 1 and int(np.prod(shape)) != 1:
        return np.broadcast_to(flat.reshape(()), shape)
    return flat.reshape(shape)


def constant_array(value: SSAValue) -> np.ndarray | None:
    """The value of a tensor that graph.constant defines, else None."""
    owner = value.owner
    if not isinstance(owner, graph.ConstantOp):
        return None
    return array_of_attr(owner.value)


def constant_op(array: np.ndarray, type_: TensorType[AnyFloat]) -> graph.ConstantOp | None:
    """graph.constant of `type_` holding `array` rounded to its element type."""
    dtype = numpy_dtype(type_.element_type)
    if dtype is None:
        return None
    data = np.ascontiguousarray(np.broadcast_to(array, type_.get_shape()), dtype=dtype.newbyteorder("<"))
    return graph.ConstantOp(DenseIntOrFPElementsAttr(type_, BytesAttr(data.tobytes())))
