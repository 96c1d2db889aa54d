"""Random graph-level programs for differential testing.

    @given(program=graph_programs())
    def test(program): ...            # program.text is a func.func @f on tensors

A program is a chain of graph ops over one or two tensor arguments. Each op is
drawn from a table of generators (one per op family: matmul and gemm,
elementwise ops with numpy broadcasting, convolution, pooling, normalisation,
reductions, data movement, attention) that picks its operands among the values
so far or makes new arguments and constants, and draws its properties. The
program returns one or two values (possibly an argument, or the same value
twice). An op whose drawn properties do not verify is left out.

Elementwise ops are discovered from the graph dialect, so a new unary or binary
elementwise op is fuzzed as soon as it has numpy semantics
(`nnopt/passes/graph/semantics/`); any other new op needs a generator here.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence

import numpy as np
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float64Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
    f64,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects import graph
from nnopt.passes.graph.semantics import semantics_of
from tests.fuzz.differential import INPUT_RANGE, Program

Shape = tuple[int, ...]
Draw = Callable[..., object]
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
    return semantics_of(op) is not None


def elementwise_ops() -> tuple[list[type[Operation]], list[type[Operation]]]:
    unary = [c for c in graph.Graph.operations if issubclass(c, graph.ElementwiseUnaryOp) and _usable(c, 1)]
    binary = [c for c in graph.Graph.operations if issubclass(c, graph.ElementwiseBinaryOp) and _usable(c, 2)]
    return unary, binary


def ints(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


class Builder:
    """Appends ops to one block, drawing operands with hypothesis."""

    def __init__(self, draw: Draw, element: Attribute) -> None:
        self.draw = draw
        self.element = element
        self.block = Block()
        self.values: list[SSAValue] = []
        self.n_constants = 0

    def tensor(self, shape: Shape) -> TensorType[Attribute]:
        return TensorType(self.element, shape)

    def real(self, value: float) -> FloatAttr:
        return FloatAttr(value, self.element)  # type: ignore[arg-type]

    def new_argument(self, shape: Shape) -> SSAValue:
        arg = self.block.insert_arg(self.tensor(shape), len(self.block.args))
        arg.name_hint = f"a{len(self.block.args) - 1}"
        self.values.append(arg)
        return arg

    def add(self, op: Operation, hint: str) -> SSAValue | None:
        """Append `op` if it verifies (its result joins the values); None if it does not."""
        try:
            op.verify()
        except VerifyException:
            return None
        self.block.add_op(op)
        result = op.results[0]
        result.name_hint = hint
        self.values.append(result)
        return result

    def constant(self, shape: Shape, low: int = -INPUT_RANGE, high: int = INPUT_RANGE) -> SSAValue:
        self.n_constants += 1
        dtype = np.float64 if isinstance(self.element, Float64Type) else np.float32
        count = int(np.prod(shape, dtype=np.int64))
        if self.draw(st.booleans()) or count > 64:
            values = [float(self.draw(st.integers(low, high)))]
        else:
            numbers = self.draw(st.lists(st.integers(low, high), min_size=count, max_size=count))
            values = [float(dtype(n)) for n in numbers]  # type: ignore[union-attr]
        attr = DenseIntOrFPElementsAttr.from_list(self.tensor(shape), values)  # type: ignore[arg-type]
        op = graph.ConstantOp(attr)
        self.block.add_op(op)
        op.result.name_hint = f"c{self.n_constants}"
        self.values.append(op.result)
        return op.result

    def operand(self, shape: Shape) -> SSAValue:
        """A value of exactly `shape`: an existing one, a new argument or a constant."""
        existing = [v for v in self.values if _shape(v) == shape]
        choices = ["argument", "constant"] + (["existing", "existing"] if existing else [])
        kind = self.draw(st.sampled_from(choices))
        if kind == "existing":
            return self.draw(st.sampled_from(existing))  # type: ignore[return-value]
        if kind == "constant":
            return self.constant(shape)
        return self.new_argument(shape)

    def value_of_rank(self, ranks: Sequence[int], make: Callable[[], Shape]) -> SSAValue:
        """An existing value of one of `ranks`, or a new argument of shape `make()`."""
        fitting = [v for v in self.values if len(_shape(v)) in ranks]
        if fitting and self.draw(st.booleans()):
            return self.draw(st.sampled_from(fitting))  # type: ignore[return-value]
        return self.new_argument(make())

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))  # type: ignore[return-value]

    def boolean(self) -> bool:
        return self.draw(st.booleans())  # type: ignore[return-value]


def _dims(min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[Shape]:
    return st.lists(st.integers(1, MAX_DIM), min_size=min_size, max_size=max_size).map(tuple)


def _broadcast_partner(b: Builder, shape: Shape) -> Shape:
    """A shape that broadcasts with `shape` (numpy rules)."""
    kept = b.integer(0, len(shape))
    suffix = shape[len(shape) - kept :] if kept else ()
    partner = [(1 if b.boolean() else size) if size != 1 else b.integer(1, MAX_DIM) for size in suffix]
    extra: Shape = b.draw(_dims(0, max(0, 3 - len(shape)))) if kept == len(shape) else ()  # type: ignore[assignment]
    return tuple(extra) + tuple(partner)


# -- generators, one per op family ------------------------------------------------------------
# Each takes the builder and a value drawn among the existing ones, and returns the op
# to add (None when the value does not suit it).

Generator = Callable[[Builder, SSAValue], Operation | None]


def _unary(b: Builder, x: SSAValue) -> Operation | None:
    unary, _ = elementwise_ops()
    op_type = b.draw(st.sampled_from(unary))
    properties: dict[str, Attribute] = {}
    if op_type is graph.GeluOp and b.boolean():
        properties["approximate"] = StringAttr("tanh")
    if op_type is graph.ClipOp:
        low = b.integer(-3, 1)
        if b.boolean():
            properties["min"] = b.real(float(low))
        if b.boolean():
            properties["max"] = b.real(float(low + b.integer(0, 4)))
    return op_type.inferred([x], properties)  # type: ignore[attr-defined]


def _binary(b: Builder, x: SSAValue) -> Operation | None:
    _, binary = elementwise_ops()
    op_type = b.draw(st.sampled_from(binary))
    other = b.operand(_broadcast_partner(b, _shape(x)))
    pair = (other, x) if b.boolean() else (x, other)
    return op_type(*pair)  # type: ignore[call-arg]


def _matmul(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if not shape:
        return None
    k, n = shape[-1], b.integer(1, MAX_DIM)
    form = b.draw(st.sampled_from(["vector", "matrix", "batched"]))
    if form == "vector":
        partner: Shape = (k,)
    elif form == "matrix":
        partner = (k, n)
    else:
        batch = tuple(1 if b.boolean() else d for d in shape[:-2]) or (b.integer(1, 3),)
        partner = (*batch, k, n)
    return graph.MatmulOp(x, b.operand(partner))


def _gemm(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if len(shape) != 2:
        return None
    trans_a, trans_b = b.boolean(), b.boolean()
    m, k = (shape[1], shape[0]) if trans_a else shape
    n = b.integer(1, MAX_DIM)
    operands: list[SSAValue | Sequence[SSAValue]] = [x, b.operand((n, k) if trans_b else (k, n))]
    if b.boolean():
        operands.append([b.operand(b.draw(st.sampled_from([(n,), (m, n), (1, n), (m, 1), ()])))])  # type: ignore[arg-type]
    else:
        operands.append([])
    properties = {
        "alpha": b.real(b.draw(st.sampled_from([1.0, 0.5, 2.0]))),  # type: ignore[arg-type]
        "beta": b.real(b.draw(st.sampled_from([1.0, -1.0, 0.0]))),  # type: ignore[arg-type]
        "trans_a": BoolAttr.from_bool(trans_a),
        "trans_b": BoolAttr.from_bool(trans_b),
    }
    return graph.GemmOp.inferred(operands, properties)


def _image(b: Builder) -> Shape:
    return (b.integer(1, 2), b.integer(1, 3), b.integer(3, 6), b.integer(3, 6))


def _conv2d(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if len(shape) != 4:
        return None
    channels = shape[1]
    group = b.draw(st.sampled_from([g for g in (1, 2, 3) if channels % g == 0]))
    filters = group * b.integer(1, 2)
    kernel = (b.integer(1, 3), b.integer(1, 3))
    weight = b.operand((filters, channels // group, *kernel))  # type: ignore[operator]
    bias = [b.operand((filters,))] if b.boolean() else []
    properties = {
        "strides": ints([b.integer(1, 2), b.integer(1, 2)]),
        "pads": ints([b.integer(0, 1) for _ in range(4)]),
        "dilations": ints([b.integer(1, 2), b.integer(1, 2)]),
        "group": IntegerAttr(group, i64),
    }
    return graph.Conv2dOp.inferred([x, weight, bias], properties)


def _pool(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if len(shape) < 3:
        return None
    rank = len(shape) - 2
    kind = b.draw(st.sampled_from([graph.MaxPoolOp, graph.AvgPoolOp, graph.GlobalAvgPoolOp]))
    if kind is graph.GlobalAvgPoolOp:
        return graph.GlobalAvgPoolOp.inferred([x])
    kernel = [b.integer(1, min(3, d)) for d in shape[2:]]
    properties: dict[str, Attribute] = {"kernel_shape": ints(kernel)}
    if b.boolean():
        properties["strides"] = ints([b.integer(1, 2) for _ in range(rank)])
    if b.boolean():
        properties["pads"] = ints([b.integer(0, k - 1) for k in kernel * 2])
    if kind is graph.MaxPoolOp and b.boolean():
        properties["dilations"] = ints([b.integer(1, 2) for _ in range(rank)])
    if kind is graph.AvgPoolOp and b.boolean():
        properties["count_include_pad"] = BoolAttr.from_bool(True)
    return kind.inferred([x], properties)  # type: ignore[attr-defined]


def _normalization(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if not shape:
        return None
    kind = b.draw(st.sampled_from(["softmax", "layer_norm", "batch_norm"]))
    if kind == "softmax":
        return graph.SoftmaxOp.inferred([x], {"axis": IntegerAttr(b.integer(-len(shape), len(shape) - 1), i64)})
    if kind == "layer_norm":
        axis = b.integer(-len(shape), len(shape) - 1)
        normalized = shape[axis:]
        scale = b.operand(normalized[b.integer(0, len(normalized)) :] if b.boolean() else normalized)
        bias = [b.operand(normalized)] if b.boolean() else []
        properties = {"axis": IntegerAttr(axis, i64), "epsilon": b.real(b.draw(st.sampled_from([1e-5, 0.5])))}  # type: ignore[arg-type]
        return graph.LayerNormOp.inferred([x, scale, bias], properties)
    if len(shape) < 2:
        return None
    channels = (shape[1],)
    parameters = [b.operand(channels), b.operand(channels), b.operand(channels), b.constant(channels, 0, 3)]
    return graph.BatchNormOp.inferred([x, *parameters], {"epsilon": b.real(0.5)})


def _reduction(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    kind = b.draw(st.sampled_from([graph.ReduceSumOp, graph.ReduceMeanOp, graph.ReduceMaxOp]))
    axes = b.draw(st.lists(st.integers(-len(shape), len(shape) - 1), max_size=len(shape), unique_by=lambda a: a % max(len(shape), 1))) if shape else []
    properties: dict[str, Attribute] = {"keepdims": BoolAttr.from_bool(b.boolean())}
    if axes or b.boolean():
        properties["axes"] = ints(axes)  # type: ignore[arg-type]
    return kind.inferred([x], properties)  # type: ignore[attr-defined]


def _data_movement(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    kind = b.draw(st.sampled_from(["transpose", "reshape", "flatten", "concat", "pad"]))
    if kind == "transpose":
        perm = b.draw(st.permutations(range(len(shape))))
        return graph.TransposeOp.inferred([x], {"perm": ints(perm)} if b.boolean() else {})  # type: ignore[arg-type]
    if kind == "reshape":
        size = int(np.prod(shape, dtype=np.int64))
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        first = b.draw(st.sampled_from(divisors))
        target = b.draw(st.sampled_from([(size,), (first, size // first), (1, first, size // first)]))
        return graph.ReshapeOp.build(operands=[x], result_types=[b.tensor(target)])  # type: ignore[arg-type]
    if kind == "flatten":
        return graph.FlattenOp.inferred([x], {"axis": IntegerAttr(b.integer(-len(shape), len(shape)), i64)})
    if kind == "concat":
        if not shape:
            return None
        axis = b.integer(0, len(shape) - 1)
        partner = list(shape)
        partner[axis] = b.integer(1, MAX_DIM)
        others = [b.operand(tuple(partner)) for _ in range(b.integer(1, 2))]
        pieces = [x, *others]
        order = b.draw(st.permutations(pieces))
        return graph.ConcatOp.inferred([list(order)], {"axis": IntegerAttr(axis - len(shape) if b.boolean() else axis, i64)})  # type: ignore[arg-type]
    pads = [b.integer(-1 if d > 1 else 0, 2) for d in shape] + [b.integer(-1 if d > 2 else 0, 1) for d in shape]
    return graph.PadOp.inferred([x], {"pads": ints(pads), "value": b.real(float(b.integer(-2, 2)))})


def _attention(b: Builder, x: SSAValue) -> Operation | None:
    shape = _shape(x)
    if len(shape) != 4:
        return None
    batch, heads, lq, depth = shape
    kv_heads = b.draw(st.sampled_from([h for h in (1, 2, heads) if heads % h == 0]))
    lk, dv = b.integer(1, 4), b.integer(1, 4)
    key = b.operand((batch, kv_heads, lk, depth))  # type: ignore[arg-type]
    value = b.operand((batch, kv_heads, lk, dv))  # type: ignore[arg-type]
    mask = [b.operand(b.draw(st.sampled_from([(lq, lk), (1, 1, lq, lk), (batch, heads, lq, lk)])))] if b.boolean() else []  # type: ignore[arg-type]
    properties: dict[str, Attribute] = {"causal": BoolAttr.from_bool(b.boolean())}
    if b.boolean():
        properties["scale"] = b.real(b.draw(st.sampled_from([0.5, 1.0, 0.25])))  # type: ignore[arg-type]
    return graph.AttentionOp.inferred([x, key, value, mask], properties)


def _cast(b: Builder, x: SSAValue) -> Operation | None:
    """A new integer or boolean argument of `x`'s shape, converted to floats."""
    element = b.draw(st.sampled_from([IntegerType(1), IntegerType(8), IntegerType(32), IntegerType(64)]))
    arg = b.block.insert_arg(TensorType(element, _shape(x)), len(b.block.args))  # type: ignore[arg-type]
    arg.name_hint = f"n{len(b.block.args) - 1}"
    return graph.CastOp(arg, b.element)  # type: ignore[arg-type]


GENERATORS: dict[str, Generator] = {
    "cast": _cast,
    "unary": _unary,
    "binary": _binary,
    "matmul": _matmul,
    "gemm": _gemm,
    "conv2d": _conv2d,
    "pool": _pool,
    "normalization": _normalization,
    "reduction": _reduction,
    "data_movement": _data_movement,
    "attention": _attention,
}
"""Op families and their generators; new ops beyond elementwise ones join here."""

NEEDS_IMAGE = {"conv2d", "pool", "attention"}


@st.composite
def graph_programs(draw: Draw) -> Program:
    element = draw(st.sampled_from([f32, f32, f32, f64]))
    builder = Builder(draw, element)
    families = sorted(GENERATORS)
    first_family = draw(st.sampled_from(families))
    if first_family in NEEDS_IMAGE:
        builder.new_argument(_image(builder))
    else:
        builder.new_argument(draw(_dims(1, 3)))  # type: ignore[arg-type]
    for index in range(draw(st.integers(1, 4))):  # type: ignore[call-overload]
        family = first_family if index == 0 else draw(st.sampled_from(families))
        x = draw(st.sampled_from(builder.values))
        try:
            op = GENERATORS[family](builder, x)  # type: ignore[arg-type]
        except VerifyException:
            op = None  # the drawn properties do not fit the operands
        if op is not None:
            builder.add(op, f"v{index}")
    values = builder.values
    returned = [values[-1]]
    if len(values) > 1 and draw(st.booleans()):
        returned.append(draw(st.sampled_from(values)))  # type: ignore[arg-type]
    return Program(render(builder.block, returned), "f", seed=draw(st.integers(0, 7)))  # type: ignore[arg-type]


def render(block: Block, returned: Sequence[SSAValue]) -> str:
    block.add_op(func.ReturnOp(*returned))
    function = func.FuncOp("f", ([a.type for a in block.args], [v.type for v in returned]), Region(block))
    buffer = io.StringIO()
    Printer(stream=buffer).print_op(ModuleOp([function]))
    return buffer.getvalue() + "\n"
