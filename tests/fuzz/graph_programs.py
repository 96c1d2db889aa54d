"""Random graph-level programs for differential testing.

    @given(program=graph_programs())
    def test(program): ...            # program.text is a func.func @f on tensors

A program is a chain of graph ops over 1-3 tensor arguments: matmuls (vectors,
matrices, broadcast batches), elementwise ops with numpy broadcasting, constants
(dense and splat), returning one or two values (possibly an argument, or the
same value twice). Elementwise ops are discovered from the graph dialect, so a
new unary or binary elementwise op is fuzzed as soon as it has a numpy
reference (`nnopt/reference/graph_ops.py`) and verifies with its default
attributes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence

import numpy as np
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    ModuleOp,
    TensorType,
    f32,
    f64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.printer import Printer

from nnopt.dialects import graph
from nnopt.reference.graph_ops import reference_function
from tests.fuzz.differential import INPUT_RANGE, Program

Shape = tuple[int, ...]
MAX_DIM = 4


def _shape(value: SSAValue) -> Shape:
    assert isinstance(value.type, TensorType)
    return tuple(value.type.get_shape())


@functools.cache
def _usable(op_type: type[Operation], arity: int) -> bool:
    """Whether `op_type` builds and verifies from its operands alone and has a reference."""
    block = Block(arg_types=[TensorType(f32, (2, 3))] * arity)
    try:
        op = op_type(*block.args)  # type: ignore[call-arg]
        op.verify()
    except Exception:
        return False
    return reference_function(op) is not None


def elementwise_ops() -> tuple[list[type[Operation]], list[type[Operation]]]:
    unary = [c for c in graph.Graph.operations if issubclass(c, graph.ElementwiseUnaryOp) and _usable(c, 1)]
    binary = [c for c in graph.Graph.operations if issubclass(c, graph.ElementwiseBinaryOp) and _usable(c, 2)]
    return unary, binary


class _Builder:
    """Appends ops to one block, drawing operands with hypothesis."""

    def __init__(self, draw: Callable[..., object], element: Attribute) -> None:
        self.draw = draw
        self.element = element
        self.block = Block()
        self.values: list[SSAValue] = []
        self.n_constants = 0

    def tensor(self, shape: Shape) -> TensorType[Attribute]:
        return TensorType(self.element, shape)

    def new_argument(self, shape: Shape) -> SSAValue:
        arg = self.block.insert_arg(self.tensor(shape), len(self.block.args))
        arg.name_hint = f"a{len(self.block.args) - 1}"
        self.values.append(arg)
        return arg

    def add(self, op: Operation, hint: str) -> SSAValue:
        self.block.add_op(op)
        result = op.results[0]
        result.name_hint = hint
        self.values.append(result)
        return result

    def constant(self, shape: Shape) -> SSAValue:
        self.n_constants += 1
        dtype = np.float64 if isinstance(self.element, Float64Type) else np.float32
        if self.draw(st.booleans()):
            values = [float(self.draw(st.integers(-INPUT_RANGE, INPUT_RANGE)))]
            attr = DenseIntOrFPElementsAttr.from_list(self.tensor(shape), values)  # type: ignore[arg-type]
        else:
            count = int(np.prod(shape, dtype=np.int64))
            numbers = self.draw(st.lists(st.integers(-INPUT_RANGE, INPUT_RANGE), min_size=count, max_size=count))
            attr = DenseIntOrFPElementsAttr.from_list(self.tensor(shape), [float(dtype(n)) for n in numbers])  # type: ignore[arg-type]
        return self.add(graph.ConstantOp(attr), f"c{self.n_constants}")

    def operand(self, shape: Shape) -> SSAValue:
        """A value of exactly `shape`: an existing one, a new argument or a constant."""
        existing = [v for v in self.values if _shape(v) == shape]
        choices = ["argument", "constant"] + (["existing"] if existing else [])
        kind = self.draw(st.sampled_from(choices))
        if kind == "existing":
            return self.draw(st.sampled_from(existing))  # type: ignore[return-value]
        if kind == "constant":
            return self.constant(shape)
        return self.new_argument(shape)


def _dims(min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[Shape]:
    return st.lists(st.integers(1, MAX_DIM), min_size=min_size, max_size=max_size).map(tuple)


def _broadcast_partner(draw: Callable[..., object], shape: Shape) -> Shape:
    """A shape that broadcasts with `shape` (numpy rules)."""
    kept = draw(st.integers(0, len(shape)))
    suffix = shape[len(shape) - kept :] if kept else ()
    partner = [
        (1 if draw(st.booleans()) else size) if size != 1 else draw(st.integers(1, MAX_DIM))
        for size in suffix
    ]
    extra = draw(_dims(0, max(0, 3 - len(shape)))) if kept == len(shape) else ()
    return tuple(extra) + tuple(partner)  # type: ignore[arg-type]


def _matmul_partner(draw: Callable[..., object], shape: Shape) -> Shape:
    k = shape[-1]
    n = draw(st.integers(1, MAX_DIM))
    form = draw(st.sampled_from(["vector", "matrix", "batched"]))
    if form == "vector":
        return (k,)
    if form == "matrix":
        return (k, n)
    batch = shape[:-2]
    if batch:
        batch = tuple(1 if draw(st.booleans()) else b for b in batch)
    else:
        batch = tuple(draw(_dims(1, 1)))
    return (*batch, k, n)


@st.composite
def graph_programs(draw: Callable[..., object]) -> Program:
    element = draw(st.sampled_from([f32, f32, f32, f64]))
    builder = _Builder(draw, element)
    for _ in range(draw(st.integers(1, 2))):
        builder.new_argument(draw(_dims(1, 3)))  # type: ignore[arg-type]
    unary, binary = elementwise_ops()
    kinds = ["matmul"] + (["unary"] if unary else []) + (["binary"] if binary else [])
    for index in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(kinds))
        lhs = draw(st.sampled_from(builder.values))
        lhs_shape = _shape(lhs)  # type: ignore[arg-type]
        hint = f"v{index}"
        if kind == "unary":
            op_type = draw(st.sampled_from(unary))
            builder.add(op_type(lhs), hint)  # type: ignore[call-arg]
        elif kind == "binary":
            op_type = draw(st.sampled_from(binary))
            rhs = builder.operand(_broadcast_partner(draw, lhs_shape))
            pair = (rhs, lhs) if draw(st.booleans()) else (lhs, rhs)
            builder.add(op_type(*pair), hint)  # type: ignore[call-arg]
        elif lhs_shape:
            rhs = builder.operand(_matmul_partner(draw, lhs_shape))
            builder.add(graph.MatmulOp(lhs, rhs), hint)  # type: ignore[arg-type]
    values = builder.values
    returned = [values[-1]]
    if len(values) > 1 and draw(st.booleans()):
        returned.append(draw(st.sampled_from(values)))  # type: ignore[arg-type]
    return Program(render(builder.block, returned), "f", seed=draw(st.integers(0, 7)))  # type: ignore[arg-type]


def render(block: Block, returned: Sequence[SSAValue]) -> str:
    block.add_op(func.ReturnOp(*returned))
    function = func.FuncOp(
        "f",
        ([a.type for a in block.args], [v.type for v in returned]),
        Region(block),
    )
    module = ModuleOp([function])
    buffer = io.StringIO()
    Printer(stream=buffer).print_op(module)
    return buffer.getvalue() + "\n"


_UNUSED: tuple[type, ...] = (Float32Type,)
