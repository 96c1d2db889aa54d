"""ONNX tensors and types <-> numpy arrays and xDSL tensor types.

    element_type_of(onnx.TensorProto.FLOAT)      == f32
    dense_attr(np.ones((2, 3), np.float32))      -> dense<1.0> : tensor<2x3xf32>
    to_numpy(initializer)                        -> np.ndarray (numpy_helper.to_array)

Float tensors flow through the graph dialect; integer and boolean tensors are
read as numpy arrays where an op needs a static value (shapes, axes, pads), and
boolean and signed-integer graph inputs enter float computations through
graph.cast where an op converts them (attention masks, Pow's exponent).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper
from xdsl.dialects.builtin import (
    AnyFloat,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerType,
    TensorType,
    f16,
    f32,
    f64,
    i1,
    i32,
    i64,
)

FLOAT_TYPES: dict[int, AnyFloat] = {
    onnx.TensorProto.FLOAT: f32,
    onnx.TensorProto.DOUBLE: f64,
    onnx.TensorProto.FLOAT16: f16,
}

INTEGER_INPUT_TYPES: dict[int, IntegerType] = {
    onnx.TensorProto.BOOL: i1,
    onnx.TensorProto.INT8: IntegerType(8),
    onnx.TensorProto.INT16: IntegerType(16),
    onnx.TensorProto.INT32: i32,
    onnx.TensorProto.INT64: i64,
}
"""Non-float graph inputs: they enter float computations through graph.cast."""

NUMPY_FLOAT_TYPES: dict[np.dtype, AnyFloat] = {
    np.dtype(np.float32): f32,
    np.dtype(np.float64): f64,
    np.dtype(np.float16): f16,
}


def onnx_type_name(elem_type: int) -> str:
    """'float', 'int64', ... for an ONNX TensorProto data type."""
    try:
        return onnx.TensorProto.DataType.Name(elem_type).lower()
    except ValueError:
        return f"type #{elem_type}"


def element_type_of(elem_type: int) -> AnyFloat | None:
    """The xDSL float type of an ONNX element type, None for non-float types."""
    return FLOAT_TYPES.get(elem_type)


def input_element_type_of(elem_type: int) -> IntegerType | None:
    """The signless integer type of a boolean or signed-integer ONNX input."""
    return INTEGER_INPUT_TYPES.get(elem_type)


def float_element_of(array: np.ndarray) -> AnyFloat | None:
    """The xDSL float type of a numpy array's dtype, None for non-float arrays."""
    return NUMPY_FLOAT_TYPES.get(array.dtype)


def numpy_dtype_of(element: AnyFloat) -> np.dtype:
    for dtype, type_ in NUMPY_FLOAT_TYPES.items():
        if type_ == element:
            return dtype
    raise ValueError(f"no numpy dtype for {element}")


def to_numpy(tensor: onnx.TensorProto) -> np.ndarray:
    """The value of an initializer or a Constant's tensor (external data already loaded)."""
    return numpy_helper.to_array(tensor)


def dense_attr(array: np.ndarray, element: AnyFloat) -> DenseIntOrFPElementsAttr:
    """`dense<...> : tensor<...>` holding `array` converted to `element`."""
    data = np.ascontiguousarray(array, dtype=numpy_dtype_of(element))
    type_ = TensorType(element, data.shape)
    return DenseIntOrFPElementsAttr(type_, BytesAttr(data.astype(data.dtype.newbyteorder("<")).tobytes()))
