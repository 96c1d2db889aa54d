"""C for vector ops and for arith/math ops on vectors (GCC/Clang vector extensions).

    %v = affine.vector_load %A[%i, %j] : memref<8x64xf32>, vector<16xf32>
        ->  const nn_f32x16 v = *(const nn_f32x16_u *)&A[i * 64 + j];
    %b = vector.broadcast %s : f32 to vector<16xf32>   ->  const nn_f32x16 b = (nn_f32x16){} + s;
    %f = vector.fma %a, %b, %c : vector<16xf32>        ->  const nn_f32x16 f = a * b + c;
    %r = vector.reduction <add>, %f : vector<16xf32> into f32  ->  nn_f32x16_reduce_add(f)
    %e = math.exp %x : vector<16xf32>                  ->  nn_f32x16_exp(x)

Only 1-D vectors are emitted; masks (`vector<16xi1>`) are integer vectors of the
element width (-1 / 0 lanes), as GCC's vector comparisons produce.
"""

from __future__ import annotations

from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects import arith, math, vector
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    IntegerType,
    VectorType,
)
from xdsl.ir import Attribute, Operation, SSAValue

from nnopt.dialects import vector as nn_vector
from nnopt.lowering.c_emitter.emitter import CEmitter
from nnopt.lowering.c_emitter.ops_affine import map_terms
from nnopt.lowering.c_emitter.ops_arith import (
    BINARY_CALLS,
    BINARY_OPERATORS,
    CMPF,
    UNARY_CALLS,
    libm_name,
)
from nnopt.lowering.c_emitter.registry import emits, emits_vector, names_type
from nnopt.lowering.c_emitter.types import c_type, scalar_literal
from nnopt.lowering.c_emitter.vector_helpers import (
    mask_element,
    vector_lane_call,
    vector_math,
    vector_name,
    vector_typedefs,
)
from nnopt.support.diagnostics import CompileError


def _shape(type_: VectorType) -> tuple[str, int]:
    shape = type_.get_shape()
    if len(shape) != 1 or type_.get_num_scalable_dims():
        raise CompileError(f"{type_} is not a fixed-length 1-D vector; only those are emitted as C")
    element = type_.get_element_type()
    if isinstance(element, IntegerType) and element.width.data == 1:
        return "int32_t", shape[0]
    return c_type(element), shape[0]


def vector_type(e: CEmitter, type_: VectorType) -> str:
    """The C vector type name; its typedefs (and those of its mask) are emitted once."""
    element, lanes = _shape(type_)
    if element not in ("float", "double", "int32_t", "int64_t"):
        raise CompileError(f"vectors of {element} are not supported by the C emitter")
    e.need_prelude(vector_typedefs(element, lanes))
    if element in ("float", "double"):
        e.need_prelude(vector_typedefs(mask_element(element), lanes))
        e.need_prelude(vector_math(element, lanes))
    return vector_name(element, lanes)


@names_type(VectorType)
def _vector_type_name(e: CEmitter, type_: VectorType) -> str:
    return vector_type(e, type_)


def splat(e: CEmitter, type_: VectorType, scalar: str) -> str:
    return f"({scalar} - ({vector_type(e, type_)}){{}})"


def _address(e: CEmitter, memref: SSAValue, indices: list[str]) -> str:
    return "&" + e.element_address(memref, indices)


def _load(e: CEmitter, result: SSAValue, memref: SSAValue, indices: list[str]) -> None:
    assert isinstance(result.type, VectorType)
    name = vector_type(e, result.type)
    const = "const " if _is_readonly(e, memref) else ""
    e.define(result, f"*({const}{name}_u *){_address(e, memref, indices)}")


def _store(e: CEmitter, value: SSAValue, memref: SSAValue, indices: list[str]) -> None:
    assert isinstance(value.type, VectorType)
    name = vector_type(e, value.type)
    e.line(f"*({name}_u *){_address(e, memref, indices)} = {e.expr(value)};")


def _is_readonly(e: CEmitter, memref: SSAValue) -> bool:
    from nnopt.passes.memory_access import root_buffer

    root = root_buffer(memref)
    return root in e.fn.readonly or (isinstance(root.owner, Operation) and root.owner.name == "memref.get_global")


@emits(xdsl_affine.VectorLoadOp)
def _affine_vector_load(e: CEmitter, op: xdsl_affine.VectorLoadOp) -> None:
    _load(e, op.result, op.memref, map_terms(e, op.map.data, op.indices))


@emits(xdsl_affine.VectorStoreOp)
def _affine_vector_store(e: CEmitter, op: xdsl_affine.VectorStoreOp) -> None:
    _store(e, op.value, op.memref, map_terms(e, op.map.data, op.indices))


@emits(vector.LoadOp)
def _vector_load(e: CEmitter, op: vector.LoadOp) -> None:
    _load(e, op.result, op.base, [e.expr(i) for i in op.indices])


@emits(vector.StoreOp)
def _vector_store(e: CEmitter, op: vector.StoreOp) -> None:
    _store(e, op.vector, op.base, [e.expr(i) for i in op.indices])


@emits(vector.BroadcastOp, nn_vector.SplatOp)
def _broadcast(e: CEmitter, op: Operation) -> None:
    source, result = op.operands[0], op.results[0]
    assert isinstance(result.type, VectorType)
    if isinstance(source.type, VectorType):
        if source.type != result.type:
            raise CompileError("broadcast between vector shapes is not supported by the C emitter", op)
        e.set_expression(result, e.expr(source))
        return
    e.define(result, splat(e, result.type, e.expr(source)))


@emits(vector.FMAOp)
def _fma(e: CEmitter, op: vector.FMAOp) -> None:
    e.define(op.res, f"{e.expr(op.lhs)} * {e.expr(op.rhs)} + {e.expr(op.acc)}")


_REDUCTIONS = {
    "add": "reduce_add",
    "mul": "reduce_mul",
    "maximumf": "reduce_maximumf",
    "minimumf": "reduce_minimumf",
    "maxnumf": "reduce_maxnumf",
    "minnumf": "reduce_minnumf",
}

_COMBINE = {
    "add": "{a} + {b}",
    "mul": "{a} * {b}",
    "maximumf": "nn_maximum{s}({a}, {b})",
    "minimumf": "nn_minimum{s}({a}, {b})",
    "maxnumf": "fmax{s}({a}, {b})",
    "minnumf": "fmin{s}({a}, {b})",
}


@emits(vector.ReductionOp)
def _reduction(e: CEmitter, op: vector.ReductionOp) -> None:
    kind = op.kind.data.value
    if kind not in _REDUCTIONS:
        raise CompileError(f"reduction kind '{kind}' is not supported by the C emitter", op)
    assert isinstance(op.vector.type, VectorType)
    name = vector_type(e, op.vector.type)
    text = f"{name}_{_REDUCTIONS[kind]}({e.expr(op.vector)})"
    if op.acc is not None:
        suffix = "" if isinstance(op.dest.type, Float64Type) else "f"
        text = _COMBINE[kind].format(a=e.expr(op.acc), b=text, s=suffix)
    e.define(op.dest, text)


@emits(vector.ExtractOp)
def _extract(e: CEmitter, op: vector.ExtractOp) -> None:
    positions = [p for p in op.static_position.get_values()]
    if len(positions) != 1 or op.dynamic_position:
        raise CompileError("only extracting one lane at a static position is supported", op)
    e.define(op.result, f"{e.expr(op.vector)}[{positions[0]}]")


@emits(vector.InsertOp)
def _insert(e: CEmitter, op: vector.InsertOp) -> None:
    positions = [p for p in op.static_position.get_values()]
    if len(positions) != 1 or op.dynamic_position:
        raise CompileError("only inserting one lane at a static position is supported", op)
    name = e.define(op.result, e.expr(op.dest), mutable=True)
    e.line(f"{name}[{positions[0]}] = {e.expr(op.source)};")


@emits(vector.CreateMaskOp)
def _create_mask(e: CEmitter, op: vector.CreateMaskOp) -> None:
    assert isinstance(op.mask_vector.type, VectorType)
    element, lanes = _shape(op.mask_vector.type)
    name = vector_type(e, op.mask_vector.type)
    [bound] = op.mask_dim_sizes
    lane_ids = ", ".join(str(i) for i in range(lanes))
    e.define(op.mask_vector, f"(({name}){{{lane_ids}}} < ({element}){e.expr(bound)})")


@emits(vector.MaskedLoadOp)
def _masked_load(e: CEmitter, op: vector.MaskedLoadOp) -> None:
    assert isinstance(op.result.type, VectorType)
    _, lanes = _shape(op.result.type)
    address = _address(e, op.base, [e.expr(i) for i in op.indices])
    name = e.define(op.result, e.expr(op.pass_thru), mutable=True)
    e.line(f"for (int l = 0; l < {lanes}; ++l) if ({e.expr(op.mask)}[l]) {name}[l] = ({address})[l];")


@emits(vector.MaskedStoreOp)
def _masked_store(e: CEmitter, op: vector.MaskedStoreOp) -> None:
    assert isinstance(op.value_to_store.type, VectorType)
    _, lanes = _shape(op.value_to_store.type)
    address = _address(e, op.base, [e.expr(i) for i in op.indices])
    value = e.expr(op.value_to_store)
    e.line(f"for (int l = 0; l < {lanes}; ++l) if ({e.expr(op.mask)}[l]) ({address})[l] = {value}[l];")


# -- arith and math on vectors ----------------------------------------------------


def _operand(e: CEmitter, value: SSAValue, like: Attribute) -> str:
    """A vector operand; scalars are broadcast."""
    if isinstance(value.type, VectorType):
        return e.expr(value)
    assert isinstance(like, VectorType)
    return splat(e, like, e.expr(value))


@emits_vector(arith.ConstantOp)
def _vector_constant(e: CEmitter, op: arith.ConstantOp) -> None:
    value, type_ = op.value, op.result.type
    assert isinstance(type_, VectorType) and isinstance(value, DenseIntOrFPElementsAttr)
    values = value.get_values()
    element = type_.get_element_type()
    if len(set(values)) == 1:
        e.set_expression(op.result, splat(e, type_, scalar_literal(values[0], element)))
        return
    literals = ", ".join(scalar_literal(v, element) for v in values)
    e.set_expression(op.result, f"(({vector_type(e, type_)}){{{literals}}})")


def _binary(e: CEmitter, op: Operation) -> None:
    result = op.results[0]
    a, b = (_operand(e, v, result.type) for v in op.operands)
    if type(op) in BINARY_OPERATORS:
        e.define(result, f"{a} {BINARY_OPERATORS[type(op)]} {b}")
        return
    assert isinstance(result.type, VectorType)
    element, lanes = _shape(result.type)
    function = libm_name(BINARY_CALLS[type(op)], result.type.get_element_type())
    name, definition = vector_lane_call(element, lanes, function, 2)
    e.need_prelude(definition)
    e.define(result, f"{name}({a}, {b})")


for _op in (*BINARY_OPERATORS, *BINARY_CALLS):
    if _op not in (arith.MaxnumfOp, arith.MinnumfOp):
        emits_vector(_op)(_binary)


@emits_vector(arith.MaximumfOp, arith.MinimumfOp, arith.MaxnumfOp, arith.MinnumfOp)
def _extremum(e: CEmitter, op: Operation) -> None:
    result = op.results[0]
    assert isinstance(result.type, VectorType)
    helpers: dict[type[Operation], str] = {
        arith.MaximumfOp: "maximumf",
        arith.MinimumfOp: "minimumf",
        arith.MaxnumfOp: "maxnumf",
        arith.MinnumfOp: "minnumf",
    }
    helper = helpers[type(op)]
    a, b = (_operand(e, v, result.type) for v in op.operands)
    e.define(result, f"{vector_type(e, result.type)}_{helper}({a}, {b})")


@emits_vector(arith.NegfOp)
def _negf(e: CEmitter, op: arith.NegfOp) -> None:
    e.define(op.result, f"-{e.expr(op.operand)}")


@emits_vector(math.FmaOp)
def _math_fma(e: CEmitter, op: math.FmaOp) -> None:
    result = op.result
    a, b, c = (_operand(e, v, result.type) for v in op.operands)
    e.define(result, f"{a} * {b} + {c}")


@emits_vector(math.ExpOp)
def _exp(e: CEmitter, op: math.ExpOp) -> None:
    type_ = op.result.type
    assert isinstance(type_, VectorType)
    if isinstance(type_.get_element_type(), Float32Type):
        e.define(op.result, f"{vector_type(e, type_)}_exp({e.expr(op.operand)})")
        return
    _lane_unary(e, op)


@emits_vector(math.RsqrtOp)
def _rsqrt(e: CEmitter, op: math.RsqrtOp) -> None:
    type_ = op.result.type
    assert isinstance(type_, VectorType)
    element, lanes = _shape(type_)
    name, definition = vector_lane_call(element, lanes, libm_name("sqrt", type_.get_element_type()), 1)
    e.need_prelude(definition)
    e.define(op.result, f"1.0{'f' if element == 'float' else ''} / {name}({e.expr(op.operand)})")


def _lane_unary(e: CEmitter, op: Operation) -> None:
    result = op.results[0]
    assert isinstance(result.type, VectorType)
    element, lanes = _shape(result.type)
    function = libm_name(UNARY_CALLS[type(op)], result.type.get_element_type())
    name, definition = vector_lane_call(element, lanes, function, 1)
    e.need_prelude(definition)
    e.define(result, f"{name}({e.expr(op.operands[0])})")


for _op in UNARY_CALLS:
    if _op is not math.ExpOp:
        emits_vector(_op)(_lane_unary)


@emits_vector(arith.CmpfOp)
def _cmpf(e: CEmitter, op: arith.CmpfOp) -> None:
    predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
    like = op.lhs.type if isinstance(op.lhs.type, VectorType) else op.rhs.type
    a, b = _operand(e, op.lhs, like), _operand(e, op.rhs, like)
    text = CMPF[predicate].format(a=a, b=b)
    if predicate in ("true", "false"):
        raise CompileError(f"cmpf {predicate} on vectors is not supported", op)
    text = text.replace("&&", "&").replace("||", "|")
    e.define(op.result, text)


@emits_vector(arith.SelectOp)
def _select(e: CEmitter, op: arith.SelectOp) -> None:
    result = op.result
    assert isinstance(result.type, VectorType)
    if not isinstance(op.cond.type, VectorType):
        e.define(result, f"{e.expr(op.cond)} ? {_operand(e, op.lhs, result.type)} : {_operand(e, op.rhs, result.type)}")
        return
    a, b = _operand(e, op.lhs, result.type), _operand(e, op.rhs, result.type)
    e.define(result, f"{vector_type(e, result.type)}_select({e.expr(op.cond)}, {a}, {b})")


@emits(nn_vector.StepOp)
def _step(e: CEmitter, op: nn_vector.StepOp) -> None:
    assert isinstance(op.result.type, VectorType)
    lanes = op.result.type.get_shape()[0]
    name = vector_type(e, VectorType(IntegerType(64), [lanes]))
    e.set_expression(op.result, f"(({name}){{{', '.join(str(i) for i in range(lanes))}}})")


@emits(nn_vector.OuterProductOp)
def _outer_product(e: CEmitter, op: nn_vector.OuterProductOp) -> None:
    if isinstance(op.rhs.type, VectorType):
        raise CompileError("2-D outer products are not emitted as C; unroll them to 1-D first", op)
    acc = e.expr(op.acc) if op.acc is not None else "0"
    e.define(op.result, f"{e.expr(op.lhs)} * {e.expr(op.rhs)} + {acc}")
