"""Semantics of vector ops and affine vector loads and stores; vectors are numpy arrays.

    %v = vector.load %A[%i, %j] : memref<8x64xf32>, vector<16xf32>   A[i, j:j+16]
    %r = vector.reduction <add>, %v : vector<16xf32> into f32
    %v = vector.transfer_read %A[%i, %j], %pad {in_bounds = [false]} : memref<8x50xf32>, vector<16xf32>
        lanes past the end of the row read %pad

Accesses out of bounds are reported, except where a transfer op is allowed to
run past the end (its `in_bounds` entry is false) or a lane is masked off.
Ops that xDSL lacks (vector.splat, shape_cast, transpose, step, outerproduct,
multi_reduction, contract) are registered by name with MLIR's semantics and
operand order, for the dialect extensions that define them.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import affine, vector
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseArrayBase,
    IntegerAttr,
    VectorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineMap

from nnopt.passes.graph.semantics.extrema import maximumf, minimumf
from nnopt.reference.affine_eval import map_function
from nnopt.reference.errors import UndefinedBehaviourError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step, implements, implements_name
from nnopt.reference.values import Buffer, element_type, numpy_dtype

DYNAMIC = -(2**63)


def vector_shape(value: SSAValue | Attribute) -> tuple[int, ...]:
    type_ = value.type if isinstance(value, SSAValue) else value
    assert isinstance(type_, VectorType)
    return tuple(type_.get_shape())


def vector_dtype(value: SSAValue) -> np.dtype:
    return numpy_dtype(element_type(value.type))


def block_indices(start: Sequence[int], shape: Sequence[int]) -> list[Any]:
    """Index arrays of the block of `shape` at the trailing dims of `start`."""
    leading = len(start) - len(shape)
    if leading < 0:
        raise UndefinedBehaviourError(f"accesses a vector of rank {len(shape)} in a buffer of rank {len(start)}")
    grids = np.indices(shape, dtype=np.int64) if shape else np.zeros((0,), dtype=np.int64)
    indices: list[Any] = [np.full(shape, start[i], dtype=np.int64) for i in range(leading)]
    indices += [grids[k] + start[leading + k] for k in range(len(shape))]
    return indices


def load_block(buffer: Buffer, start: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    return buffer.gather(block_indices(start, shape)).reshape(shape)


def store_block(buffer: Buffer, start: Sequence[int], value: np.ndarray) -> None:
    buffer.scatter(block_indices(start, value.shape), value)


# -- loads and stores -------------------------------------------------------------------


@implements(vector.LoadOp)
def _load(interp: Interpreter, op: vector.LoadOp) -> Step:
    base, indices, result = op.base, tuple(op.indices), op.result
    shape = vector_shape(result)

    def step(env: Env) -> None:
        env[result] = load_block(env[base], [int(env[i]) for i in indices], shape)

    return step


@implements(vector.StoreOp)
def _store(interp: Interpreter, op: vector.StoreOp) -> Step:
    value, base, indices = op.vector, op.base, tuple(op.indices)

    def step(env: Env) -> None:
        store_block(env[base], [int(env[i]) for i in indices], np.asarray(env[value]))

    return step


@implements(affine.VectorLoadOp)
def _affine_vector_load(interp: Interpreter, op: affine.VectorLoadOp) -> Step:
    fn = map_function(op.map.data)
    base, indices, result = op.memref, tuple(op.indices), op.result
    shape = vector_shape(result)

    def step(env: Env) -> None:
        env[result] = load_block(env[base], fn(*[env[i] for i in indices]), shape)

    return step


@implements(affine.VectorStoreOp)
def _affine_vector_store(interp: Interpreter, op: affine.VectorStoreOp) -> Step:
    fn = map_function(op.map.data)
    value, base, indices = op.value, op.memref, tuple(op.indices)

    def step(env: Env) -> None:
        store_block(env[base], fn(*[env[i] for i in indices]), np.asarray(env[value]))

    return step


def _masked_lanes(buffer: Buffer, start: Sequence[int], mask: np.ndarray) -> list[Any]:
    indices = block_indices(start, mask.shape)
    return [index[mask] for index in indices]


@implements(vector.MaskedLoadOp)
def _masked_load(interp: Interpreter, op: vector.MaskedLoadOp) -> Step:
    base, indices, mask, pass_thru, result = op.base, tuple(op.indices), op.mask, op.pass_thru, op.result

    def step(env: Env) -> None:
        lanes = np.asarray(env[mask], dtype=bool)
        value = np.array(env[pass_thru], copy=True)
        buffer: Buffer = env[base]
        value[lanes] = buffer.gather(_masked_lanes(buffer, [int(env[i]) for i in indices], lanes))
        env[result] = value

    return step


@implements(vector.MaskedStoreOp)
def _masked_store(interp: Interpreter, op: vector.MaskedStoreOp) -> Step:
    base, indices, mask, value = op.base, tuple(op.indices), op.mask, op.value_to_store

    def step(env: Env) -> None:
        lanes = np.asarray(env[mask], dtype=bool)
        buffer: Buffer = env[base]
        buffer.scatter(_masked_lanes(buffer, [int(env[i]) for i in indices], lanes), np.asarray(env[value])[lanes])

    return step


def _transfer_geometry(
    permutation: AffineMap, rank: int, start: Sequence[int], shape: Sequence[int]
) -> list[Any]:
    """For each memref dim, the index array (over the vector's shape) a transfer touches."""
    grids = np.indices(shape, dtype=np.int64) if shape else np.zeros((0,), dtype=np.int64)
    indices: list[Any] = [np.full(shape, start[d], dtype=np.int64) for d in range(rank)]
    for k, expr in enumerate(permutation.results):
        if isinstance(expr, AffineDimExpr):
            indices[expr.position] = indices[expr.position] + grids[k]
        elif not (isinstance(expr, AffineConstantExpr) and expr.value == 0):
            raise UnsupportedOpError(f"has permutation map result {expr}; only dims and 0 are supported")
    return indices


def _transfer_valid(
    buffer: Buffer, permutation: AffineMap, in_bounds: Sequence[bool], indices: list[Any], shape: Sequence[int]
) -> np.ndarray:
    """Lanes whose element lies inside the buffer; in-bounds dims must not leave it."""
    valid = np.ones(shape, dtype=bool)
    mapped = {expr.position: k for k, expr in enumerate(permutation.results) if isinstance(expr, AffineDimExpr)}
    for d, index in enumerate(indices):
        inside = (index >= 0) & (index < buffer.shape[d])
        k = mapped.get(d)
        if (k is None or in_bounds[k]) and not inside.all():
            raise UndefinedBehaviourError(
                f"transfers out of bounds along dimension {d} of a {buffer.describe()} buffer, "
                "which is marked in bounds"
            )
        valid &= inside
    return valid


def _transfer_mask(op: Operation, env: Env, mask: SSAValue | None, permutation: AffineMap, shape: Sequence[int]) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    lanes = np.asarray(env[mask], dtype=bool)
    if lanes.shape == tuple(shape):
        return lanes
    if all(isinstance(e, AffineDimExpr) for e in permutation.results):
        order = np.argsort([e.position for e in permutation.results])  # type: ignore[attr-defined]
        inverse = np.argsort(order)
        return np.transpose(lanes, inverse)
    raise UnsupportedOpError("with a mask and a broadcasting permutation map is not supported")


def _in_bounds(op: Any) -> list[bool]:
    return [bool(b.value.data) for b in op.in_bounds.data]


@implements(vector.TransferReadOp)
def _transfer_read(interp: Interpreter, op: vector.TransferReadOp) -> Step:
    source, indices, padding, mask, result = op.source, tuple(op.indices), op.padding, op.mask, op.result
    permutation = op.permutation_map.data
    shape = vector_shape(result)
    in_bounds = _in_bounds(op)
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        buffer: Buffer = env[source]
        where = _transfer_geometry(permutation, len(buffer.shape), [int(env[i]) for i in indices], shape)
        lanes = _transfer_valid(buffer, permutation, in_bounds, where, shape)
        lanes &= _transfer_mask(op, env, mask, permutation, shape)
        value = np.full(shape, env[padding], dtype=dtype)
        value[lanes] = buffer.gather([w[lanes] for w in where])
        env[result] = value

    return step


@implements(vector.TransferWriteOp)
def _transfer_write(interp: Interpreter, op: vector.TransferWriteOp) -> Step:
    value, target, indices, mask = op.operands[0], op.source, tuple(op.indices), op.mask
    permutation = op.permutation_map.data
    shape = vector_shape(value)
    in_bounds = _in_bounds(op)
    results = tuple(op.results)

    def step(env: Env) -> None:
        buffer: Buffer = env[target]
        if results:  # on a tensor: write into a copy
            buffer = buffer.copy(f"the tensor written by {op.name}")
        where = _transfer_geometry(permutation, len(buffer.shape), [int(env[i]) for i in indices], shape)
        lanes = _transfer_valid(buffer, permutation, in_bounds, where, shape)
        lanes &= _transfer_mask(op, env, mask, permutation, shape)
        buffer.scatter([w[lanes] for w in where], np.asarray(env[value])[lanes])
        if results:
            env[results[0]] = buffer

    return step


# -- register-level ops -----------------------------------------------------------------------


@implements(vector.BroadcastOp)
def _broadcast(interp: Interpreter, op: vector.BroadcastOp) -> Step:
    source, result = op.source, op.vector
    shape = vector_shape(result)
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        env[result] = np.broadcast_to(np.asarray(env[source], dtype=dtype), shape).copy()

    return step


@implements_name("vector.splat")
def _splat(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]
    shape = vector_shape(result)
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        env[result] = np.full(shape, env[source], dtype=dtype)

    return step


@implements(vector.FMAOp)
def _fma(interp: Interpreter, op: vector.FMAOp) -> Step:
    a, b, c, result = op.lhs, op.rhs, op.acc, op.res
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        exact = env[a].astype(np.float64) * env[b] + env[c]
        env[result] = exact.astype(dtype)

    return step


COMBINE: dict[str, Callable[[Any, Any], Any]] = {
    "add": np.add,
    "mul": np.multiply,
    "minsi": np.minimum,
    "maxsi": np.maximum,
    "minnumf": np.fmin,
    "maxnumf": np.fmax,
    "and": np.bitwise_and,
    "or": np.bitwise_or,
    "xor": np.bitwise_xor,
    "maximumf": maximumf,
    "minimumf": minimumf,
}


def _unsigned_extremum(pick: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def combine(a: Any, b: Any) -> Any:
        dtype = np.result_type(a, b)
        unsigned = np.dtype(f"u{dtype.itemsize}") if dtype.kind == "i" else dtype
        return pick(np.asarray(a).view(unsigned), np.asarray(b).view(unsigned)).view(dtype)

    return combine


COMBINE["minui"] = _unsigned_extremum(np.minimum)
COMBINE["maxui"] = _unsigned_extremum(np.maximum)


def kind_of(op: Operation) -> str:
    kind = op.properties.get("kind") or op.attributes.get("kind")
    if kind is None:
        raise UnsupportedOpError("has no combining kind")
    text = str(getattr(kind, "data", kind))
    text = text.removeprefix("#vector.kind<").removesuffix(">")
    if text not in COMBINE:
        raise UnsupportedOpError(f"has combining kind {text}, which is not supported")
    return text


def reduce_sequentially(values: np.ndarray, combine: Callable[[Any, Any], Any], axis: int = 0) -> Any:
    """Combine along `axis` from the first element to the last."""
    moved = np.moveaxis(values, axis, 0)
    total = moved[0]
    for element in moved[1:]:
        total = combine(total, element)
    return total


@implements(vector.ReductionOp)
def _reduction(interp: Interpreter, op: vector.ReductionOp) -> Step:
    combine = COMBINE[kind_of(op)]
    source, acc, result = op.vector, op.acc, op.dest

    def step(env: Env) -> None:
        total = reduce_sequentially(np.asarray(env[source]).reshape(-1), combine)
        if acc is not None:
            total = combine(env[acc], total)
        env[result] = np.asarray(total).astype(np.asarray(env[source]).dtype)[()]

    return step


def _position(op: vector.ExtractOp | vector.InsertOp, env: Env) -> tuple[int, ...]:
    dynamic = iter(env[v] for v in op.dynamic_position)
    return tuple(int(next(dynamic)) if p == DYNAMIC else p for p in op.static_position.get_values())


def _check_position(position: Sequence[int], shape: Sequence[int]) -> None:
    for axis, (p, n) in enumerate(zip(position, shape, strict=False)):
        if not 0 <= p < n:
            raise UndefinedBehaviourError(f"uses position {p} of vector dimension {axis} of size {n}")


@implements(vector.ExtractOp)
def _extract(interp: Interpreter, op: vector.ExtractOp) -> Step:
    source, result = op.vector, op.result
    is_vector = isinstance(result.type, VectorType)

    def step(env: Env) -> None:
        position = _position(op, env)
        value = np.asarray(env[source])
        _check_position(position, value.shape)
        picked = value[position]
        env[result] = picked.copy() if is_vector else picked[()]

    return step


@implements(vector.InsertOp)
def _insert(interp: Interpreter, op: vector.InsertOp) -> Step:
    source, dest, result = op.source, op.dest, op.result

    def step(env: Env) -> None:
        position = _position(op, env)
        value = np.array(env[dest], copy=True)
        _check_position(position, value.shape)
        value[position] = env[source]
        env[result] = value

    return step


@implements(vector.ShuffleOp)
def _shuffle(interp: Interpreter, op: vector.ShuffleOp) -> Step:
    v1, v2 = op.operands[0], op.operands[1]
    result = op.results[0]
    mask_attr = op.properties.get("mask") or op.attributes.get("mask")
    assert isinstance(mask_attr, DenseArrayBase)
    mask = [int(m) for m in mask_attr.get_values()]

    def step(env: Env) -> None:
        joined = np.concatenate([np.atleast_1d(env[v1]), np.atleast_1d(env[v2])])
        for m in mask:
            if not 0 <= m < len(joined):
                raise UndefinedBehaviourError(f"shuffles lane {m} of {len(joined)}")
        env[result] = joined[mask]

    return step


@implements(vector.CreateMaskOp)
def _create_mask(interp: Interpreter, op: vector.CreateMaskOp) -> Step:
    sizes, result = tuple(op.mask_dim_sizes), op.mask_vector
    shape = vector_shape(result)

    def step(env: Env) -> None:
        mask = np.ones(shape, dtype=bool)
        grids = np.indices(shape)
        for axis, size in enumerate(sizes):
            mask &= grids[axis] < int(env[size])
        env[result] = mask

    return step


@implements(vector.BitcastOp)
def _bitcast(interp: Interpreter, op: vector.BitcastOp) -> Step:
    source, result = op.source, op.result
    shape = vector_shape(result)
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        env[result] = np.ascontiguousarray(env[source]).view(dtype).reshape(shape)

    return step


@implements(vector.PrintOp)
def _print(interp: Interpreter, op: vector.PrintOp) -> Step:
    source = op.source

    def step(env: Env) -> None:
        print(env[source])

    return step


# -- ops defined outside xDSL, by name ----------------------------------------------------


def _int_list(op: Operation, name: str) -> list[int]:
    attr = op.properties.get(name) or op.attributes.get(name)
    if isinstance(attr, DenseArrayBase):
        return [int(v) for v in attr.get_values()]
    if isinstance(attr, ArrayAttr):
        return [int(a.value.data) for a in attr.data if isinstance(a, IntegerAttr)]
    raise UnsupportedOpError(f"needs an integer array '{name}'")


@implements_name("vector.shape_cast")
def _shape_cast(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]
    shape = vector_shape(result)

    def step(env: Env) -> None:
        env[result] = np.asarray(env[source]).reshape(shape).copy()

    return step


@implements_name("vector.transpose")
def _transpose(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]
    permutation = _int_list(op, "permutation")

    def step(env: Env) -> None:
        env[result] = np.transpose(np.asarray(env[source]), permutation).copy()

    return step


@implements_name("vector.step")
def _step(interp: Interpreter, op: Operation) -> Step:
    result = op.results[0]
    [n] = vector_shape(result)
    dtype = vector_dtype(result)

    def step(env: Env) -> None:
        env[result] = np.arange(n, dtype=dtype)

    return step


@implements_name("vector.multi_reduction")
def _multi_reduction(interp: Interpreter, op: Operation) -> Step:
    combine = COMBINE[kind_of(op)]
    source, acc = op.operands[0], op.operands[1]
    result = op.results[0]
    dims = sorted(_int_list(op, "reduction_dims"))

    def step(env: Env) -> None:
        values = np.asarray(env[source])
        for offset, axis in enumerate(dims):
            values = reduce_sequentially(values, combine, axis - offset)
        total = combine(env[acc], values)
        env[result] = np.asarray(total).astype(np.asarray(env[source]).dtype)
        if not isinstance(result.type, VectorType):
            env[result] = env[result][()]

    return step


@implements_name("vector.outerproduct")
def _outerproduct(interp: Interpreter, op: Operation) -> Step:
    lhs, rhs = op.operands[0], op.operands[1]
    acc = op.operands[2] if len(op.operands) > 2 else None
    result = op.results[0]
    dtype = vector_dtype(result)
    kind = kind_of(op) if ("kind" in op.properties or "kind" in op.attributes) else "add"
    combine = COMBINE[kind]

    def step(env: Env) -> None:
        a, b = np.asarray(env[lhs]), env[rhs]
        product = np.multiply.outer(a, b) if np.ndim(b) else a * b
        env[result] = (product if acc is None else combine(env[acc], product)).astype(dtype)

    return step


@implements_name("vector.contract")
def _contract(interp: Interpreter, op: Operation) -> Step:
    lhs, rhs, acc = op.operands[0], op.operands[1], op.operands[2]
    result = op.results[0]
    maps_attr = op.properties.get("indexing_maps") or op.attributes.get("indexing_maps")
    if not isinstance(maps_attr, ArrayAttr):
        raise UnsupportedOpError("needs 'indexing_maps'")
    maps = [m.data for m in maps_attr.data if isinstance(m, AffineMapAttr)]
    letters = string.ascii_letters

    def subscripts(affine_map: AffineMap) -> str:
        out = ""
        for expr in affine_map.results:
            if not isinstance(expr, AffineDimExpr):
                raise UnsupportedOpError(f"has indexing map result {expr}; only dims are supported")
            out += letters[expr.position]
        return out

    spec = f"{subscripts(maps[0])},{subscripts(maps[1])}->{subscripts(maps[2])}"
    if kind_of(op) != "add" if ("kind" in op.properties or "kind" in op.attributes) else False:
        raise UnsupportedOpError("supports the 'add' combining kind only")
    dtype = vector_dtype(result) if isinstance(result.type, VectorType) else numpy_dtype(result.type)

    def step(env: Env) -> None:
        product = np.einsum(spec, np.asarray(env[lhs], dtype=np.float64), np.asarray(env[rhs], dtype=np.float64))
        total = np.asarray(env[acc], dtype=np.float64) + product
        env[result] = total.astype(dtype) if isinstance(result.type, VectorType) else total.astype(dtype)[()]

    return step
