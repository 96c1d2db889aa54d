"""What a converter sees of one ONNX node: its inputs, attributes and an op builder.

    x = ctx.value(0, "X")                         # a float tensor value
    shape = ctx.static(1, "shape")                # a numpy array known at import time
    axis = ctx.int_attr("axis", -1)
    y = ctx.emit(graph.SoftmaxOp, [x], {"axis": IntegerAttr(axis, i64)})

Every problem is raised as `ctx.error(...)`: a CompileError naming the node
(its name and op type) and the model file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import onnx
from xdsl.dialects.builtin import AnyFloat, TensorType, i1
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects import graph
from nnopt.lowering.onnx_to_graph.tensors import float_element_of, numpy_dtype_of
from nnopt.support.diagnostics import CompileError

if TYPE_CHECKING:
    from nnopt.lowering.onnx_to_graph.importer import GraphImporter

Tensor = SSAValue | np.ndarray
"""A node input or output: a runtime float tensor, or a value known at import time."""


def _integer(value: Any) -> int:
    if not isinstance(value, int):
        raise TypeError(value)
    return value


def _integers(value: Any) -> tuple[int, ...]:
    return tuple(_integer(v) for v in value)


def _string(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def describe_node(node: onnx.NodeProto, index: int) -> str:
    """`node 'conv1' (Conv)`, or `node #3 (Conv)` for an unnamed node."""
    name = f"'{node.name}'" if node.name else f"#{index}"
    return f"node {name} ({node.op_type})"


class NodeContext:
    """One node being converted; converters build graph ops through it."""

    def __init__(self, importer: GraphImporter, node: onnx.NodeProto, index: int, version: int):
        self.importer = importer
        self.node = node
        self.index = index
        self.version = version
        """The schema version in force (the op's `since_version` at the model's opset)."""
        self._attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}

    # -- diagnostics ---------------------------------------------------------------

    def describe(self) -> str:
        return describe_node(self.node, self.index)

    def error(self, message: str) -> CompileError:
        return self.importer.error(f"{self.describe()}: {message}")

    # -- inputs --------------------------------------------------------------------

    def has_input(self, i: int) -> bool:
        return i < len(self.node.input) and self.node.input[i] != ""

    def input_count(self) -> int:
        """The number of inputs given (optional trailing ones left out are not counted)."""
        return len(self.node.input)

    def tensor(self, i: int, what: str) -> Tensor:
        """Input `i`, runtime or static; an error if it is absent."""
        if not self.has_input(i):
            raise self.error(f"input #{i} ({what}) is required")
        return self.importer.lookup(self.node.input[i], self)

    def value(self, i: int, what: str, element: AnyFloat | None = None) -> SSAValue:
        """Input `i` as a float tensor value (a static input becomes a graph.constant).

        With `element`, a non-float input (a boolean mask, Pow's integer exponent)
        is converted to that type; without, it is an error.
        """
        if not self.has_input(i):
            raise self.error(f"input #{i} ({what}) is required")
        value = self.importer.materialize(self.node.input[i], self, element)
        assert isinstance(value.type, TensorType)
        if isinstance(value.type.element_type, AnyFloat):
            return value
        if element is None:
            raise self.error(
                f"input #{i} ({what}, '{self.node.input[i]}') is a {value.type.element_type} "
                "tensor; only float tensors are supported here"
            )
        return self.add(graph.CastOp(value, element))

    def is_boolean(self, i: int) -> bool:
        """Whether input `i` holds booleans (a runtime i1 tensor or a static bool array)."""
        tensor = self.tensor(i, "input")
        if isinstance(tensor, np.ndarray):
            return tensor.dtype == np.bool_
        assert isinstance(tensor.type, TensorType)
        return tensor.type.element_type == i1

    def optional_value(self, i: int, what: str) -> SSAValue | None:
        return self.value(i, what) if self.has_input(i) else None

    def values(self, what: str) -> list[SSAValue]:
        """All inputs (of a variadic op) as float tensor values."""
        return [self.value(i, f"{what} #{i}") for i in range(self.input_count())]

    def static(self, i: int, what: str) -> np.ndarray:
        """Input `i` as a value known at import time (an initializer or a Constant)."""
        tensor = self.tensor(i, what)
        if isinstance(tensor, SSAValue):
            raise self.error(
                f"input #{i} ({what}, '{self.node.input[i]}') must be a constant or an "
                "initializer: its value is needed at import time"
            )
        return tensor

    def optional_static(self, i: int, what: str) -> np.ndarray | None:
        return self.static(i, what) if self.has_input(i) else None

    def static_ints(self, i: int, what: str) -> tuple[int, ...]:
        array = self.static(i, what)
        if array.dtype.kind not in "iu":
            raise self.error(f"input #{i} ({what}) must be an integer tensor, got {array.dtype}")
        return tuple(int(v) for v in array.reshape(-1))

    def static_scalar(self, i: int, what: str) -> float | None:
        """A static float scalar input (Clip's bounds, Pad's value), None when absent."""
        array = self.optional_static(i, what)
        if array is None:
            return None
        if array.size != 1:
            raise self.error(f"input #{i} ({what}) must be a scalar, got shape {list(array.shape)}")
        return float(array.reshape(-1)[0])

    # -- attributes ----------------------------------------------------------------

    def has_attr(self, name: str) -> bool:
        return name in self._attributes

    def attr(self, name: str, default: Any = None) -> Any:
        return self._attributes.get(name, default)

    def _typed(self, name: str, default: Any, convert: Any, kind: str) -> Any:
        value = self._attributes.get(name, default)
        try:
            return convert(value)
        except (TypeError, ValueError):
            raise self.error(f"attribute {name} must be {kind}, got {value!r}") from None

    def int_attr(self, name: str, default: int) -> int:
        return int(self._typed(name, default, _integer, "an integer"))

    def float_attr(self, name: str, default: float) -> float:
        return float(self._typed(name, default, float, "a float"))

    def str_attr(self, name: str, default: str) -> str:
        return str(self._typed(name, default, _string, "a string"))

    def ints_attr(self, name: str) -> tuple[int, ...] | None:
        if name not in self._attributes:
            return None
        return tuple(self._typed(name, None, _integers, "a list of integers"))

    def bool_attr(self, name: str, default: bool = False) -> bool:
        value = self.int_attr(name, int(default))
        if value not in (0, 1):
            raise self.error(f"attribute {name} must be 0 or 1, got {value}")
        return bool(value)

    # -- outputs -------------------------------------------------------------------

    def wants_output(self, i: int) -> bool:
        """Whether output `i` exists and is read by a later node or is a graph output."""
        return (
            i < len(self.node.output)
            and self.node.output[i] != ""
            and self.importer.is_used(self.node.output[i])
        )

    # -- building ------------------------------------------------------------------

    def element_type(self) -> AnyFloat:
        """The float element type of the node: that of its first float input."""
        for i in range(self.input_count()):
            if not self.has_input(i):
                continue
            tensor = self.tensor(i, "input")
            if isinstance(tensor, SSAValue):
                assert isinstance(tensor.type, TensorType)
                if isinstance(tensor.type.element_type, AnyFloat):
                    return tensor.type.element_type
                continue
            element = float_element_of(tensor)
            if element is not None:
                return element
        raise self.error("has no float input")

    def shape(self, value: SSAValue) -> tuple[int, ...]:
        assert isinstance(value.type, TensorType)
        return value.type.get_shape()

    def emit(
        self,
        op_type: type[graph.GraphOp],
        operands: Sequence[SSAValue | Sequence[SSAValue]],
        properties: Mapping[str, Attribute] | None = None,
    ) -> SSAValue:
        """Add `op_type` on `operands` with its result type inferred; its result."""
        try:
            op = op_type.inferred(operands, properties)
        except VerifyException as error:
            raise self.error(str(error)) from None
        return self.add(op)

    def add(self, op: Operation) -> SSAValue:
        """Add a built op (verified, located at this node); its first result."""
        return self.importer.add_op(op, self)

    def constant(self, array: np.ndarray, element: AnyFloat | None = None) -> SSAValue:
        """A graph.constant holding `array` (as `element`, default: the node's type)."""
        return self.importer.constant(array, element or self.element_type(), self)

    def scalar(self, value: float) -> SSAValue:
        """A rank-0 graph.constant of the node's element type."""
        element = self.element_type()
        return self.constant(np.array(value, dtype=numpy_dtype_of(element)), element)

    def reshape(self, value: SSAValue, shape: Sequence[int]) -> SSAValue:
        """`value` reshaped to `shape` (itself when the shape is already that)."""
        if tuple(shape) == self.shape(value):
            return value
        assert isinstance(value.type, TensorType)
        op = graph.ReshapeOp.build(
            operands=[value], result_types=[TensorType(value.type.element_type, shape)]
        )
        return self.add(op)
