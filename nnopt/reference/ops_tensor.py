"""Semantics of tensor and bufferization ops. Tensors are buffers nothing mutates:
every op that "changes" a tensor builds a new one.

    %e = tensor.empty() : tensor<4x16xf32>            every element unwritten (reading one is an error)
    %x = tensor.extract %t[%i, %j] : tensor<4x16xf32>
    %t = bufferization.to_tensor %m : memref<4xf32> to tensor<4xf32>   a snapshot of %m
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects import bufferization, tensor
from xdsl.dialects.builtin import IndexType, MemRefType, TensorType
from xdsl.ir import Attribute, Operation, SSAValue

from nnopt.reference.errors import UndefinedBehaviourError
from nnopt.reference.interpreter import Env, Interpreter, Step, implements
from nnopt.reference.ops_memory import describe_origin
from nnopt.reference.values import Allocation, Buffer, element_type, numpy_dtype

DYNAMIC = -(2**63)


def _static_shape(type_: Attribute) -> tuple[int, ...]:
    assert isinstance(type_, TensorType | MemRefType)
    return tuple(type_.get_shape())


def _shape_with(type_: Attribute, dynamic: Sequence[SSAValue], env: Env) -> tuple[int, ...]:
    values = iter(int(env[v]) for v in dynamic)
    return tuple(next(values) if d < 0 else d for d in _static_shape(type_))


def _mixed(static: Sequence[int], dynamic: Sequence[SSAValue], env: Env) -> list[int]:
    values = iter(int(env[v]) for v in dynamic)
    return [next(values) if s == DYNAMIC else s for s in static]


def immutable(array: np.ndarray, description: str) -> Buffer:
    array = np.asarray(array, order="C")
    return Buffer.contiguous(Allocation(array.reshape(-1), description, writable=False), array.shape)


@implements(tensor.EmptyOp, bufferization.AllocTensorOp)
def _empty(interp: Interpreter, op: Operation) -> Step:
    result = op.results[0]
    dtype = numpy_dtype(element_type(result.type))
    description = describe_origin(op)
    sizes = tuple(op.operands) if isinstance(op, tensor.EmptyOp) else tuple(op.dynamic_sizes)  # type: ignore[attr-defined]
    copy_from = getattr(op, "copy", None) if isinstance(op, bufferization.AllocTensorOp) else None

    def step(env: Env) -> None:
        if copy_from is not None:
            env[result] = env[copy_from].copy(description)
            return
        env[result] = Buffer.new(dtype, _shape_with(result.type, sizes, env), description)

    return step


@implements(tensor.ExtractOp)
def _extract(interp: Interpreter, op: tensor.ExtractOp) -> Step:
    source, indices, result = op.tensor, tuple(op.indices), op.result
    is_index = isinstance(result.type, IndexType)

    def step(env: Env) -> None:
        value = env[source].load([int(env[i]) for i in indices])
        env[result] = int(value) if is_index else value

    return step


@implements(tensor.InsertOp)
def _insert(interp: Interpreter, op: tensor.InsertOp) -> Step:
    scalar, dest, indices, result = op.scalar, op.dest, tuple(op.indices), op.result
    description = describe_origin(op)

    def step(env: Env) -> None:
        fresh: Buffer = env[dest].copy(description)
        fresh.store([int(env[i]) for i in indices], env[scalar])
        env[result] = fresh

    return step


@implements(tensor.DimOp)
def _dim(interp: Interpreter, op: tensor.DimOp) -> Step:
    source, index, result = op.source, op.index, op.result

    def step(env: Env) -> None:
        shape = env[source].shape
        axis = int(env[index])
        if not 0 <= axis < len(shape):
            raise UndefinedBehaviourError(f"asks for dimension {axis} of a rank-{len(shape)} tensor")
        env[result] = shape[axis]

    return step


@implements(tensor.CastOp)
def _cast(interp: Interpreter, op: tensor.CastOp) -> Step:
    source, result = op.source, op.results[0]
    static = _static_shape(result.type)

    def step(env: Env) -> None:
        value: Buffer = env[source]
        if any(s >= 0 and s != v for s, v in zip(static, value.shape, strict=True)):
            raise UndefinedBehaviourError(f"casts a tensor of shape {value.shape} to {result.type}")
        env[result] = value

    return step


def _reshape(value: Buffer, shape: Sequence[int], description: str) -> Buffer:
    if int(np.prod(shape, dtype=np.int64)) != value.size:
        raise UndefinedBehaviourError(f"reshapes {value.size} elements to the shape {list(shape)}")
    contiguous = value.copy(description)
    return Buffer.contiguous(contiguous.alloc, shape)


@implements(tensor.CollapseShapeOp, tensor.ExpandShapeOp, tensor.ReshapeOp)
def _reshape_op(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]
    description = describe_origin(op)
    dynamic: tuple[SSAValue, ...] = tuple(getattr(op, "output_shape", ()))
    static = (
        list(op.static_output_shape.get_values())  # type: ignore[attr-defined]
        if isinstance(op, tensor.ExpandShapeOp)
        else None
    )
    shape_operand = op.operands[1] if isinstance(op, tensor.ReshapeOp) else None

    def step(env: Env) -> None:
        if shape_operand is not None:
            shape = [int(v) for v in env[shape_operand].to_array().reshape(-1)]
        elif static is not None:
            shape = _mixed(static, dynamic, env)
        else:
            shape = list(_static_shape(result.type))
            if any(d < 0 for d in shape):
                value = env[source]
                known = int(np.prod([d for d in shape if d >= 0], dtype=np.int64))
                shape = [value.size // known if d < 0 else d for d in shape]
        env[result] = _reshape(env[source], shape, description)

    return step


def _slice_view(op: Any, base: Buffer, env: Env, result_type: Attribute) -> Buffer:
    offsets = _mixed(op.static_offsets.get_values(), tuple(op.offsets), env)
    sizes = _mixed(op.static_sizes.get_values(), tuple(op.sizes), env)
    strides = _mixed(op.static_strides.get_values(), tuple(op.strides), env)
    for axis, (o, n, s, extent) in enumerate(zip(offsets, sizes, strides, base.shape, strict=True)):
        if n < 0 or o < 0 or (n > 0 and o + (n - 1) * s >= extent):
            raise UndefinedBehaviourError(
                f"takes elements {o} to {o + (n - 1) * s} (step {s}) of dimension {axis}, "
                f"which has {extent}: out of bounds"
            )
    offset = base.offset + sum(o * b for o, b in zip(offsets, base.strides, strict=True))
    view_strides = [s * b for s, b in zip(strides, base.strides, strict=True)]
    target = _static_shape(result_type)
    shape, kept = list(sizes), list(view_strides)
    if len(target) < len(shape):
        pairs = [(n, s) for n, s in zip(shape, kept, strict=True)]
        dropped = 0
        result: list[tuple[int, int]] = []
        for n, s in pairs:
            position = len(result)
            if position < len(target) and (target[position] < 0 or n == target[position]):
                result.append((n, s))
            elif n == 1:
                dropped += 1
            else:
                raise UndefinedBehaviourError(f"cannot drop dimensions of {shape} to reach {result_type}")
        shape, kept = [n for n, _ in result], [s for _, s in result]
    return Buffer(base.alloc, offset, tuple(shape), tuple(kept))


@implements(tensor.ExtractSliceOp)
def _extract_slice(interp: Interpreter, op: tensor.ExtractSliceOp) -> Step:
    source, result = op.source, op.result
    description = describe_origin(op)

    def step(env: Env) -> None:
        env[result] = _slice_view(op, env[source], env, result.type).copy(description)

    return step


@implements(tensor.InsertSliceOp)
def _insert_slice(interp: Interpreter, op: tensor.InsertSliceOp) -> Step:
    source, dest, result = op.source, op.dest, op.result
    description = describe_origin(op)

    def step(env: Env) -> None:
        fresh: Buffer = env[dest].copy(description)
        view = _slice_view(op, fresh, env, source.type)
        value: Buffer = env[source]
        if view.shape != value.shape:
            view = Buffer(view.alloc, view.offset, value.shape, view.strides) if view.size == value.size and len(view.shape) == len(value.shape) else view
        value.copy_into(view)
        env[result] = fresh

    return step


@implements(tensor.SplatOp)
def _splat(interp: Interpreter, op: tensor.SplatOp) -> Step:
    source, result = op.input, op.result
    dtype = numpy_dtype(element_type(result.type))
    dynamic = tuple(op.dynamicSizes)

    def step(env: Env) -> None:
        shape = _shape_with(result.type, dynamic, env)
        env[result] = immutable(np.full(shape, env[source], dtype=dtype), "a splat tensor")

    return step


@implements(tensor.FromElementsOp)
def _from_elements(interp: Interpreter, op: tensor.FromElementsOp) -> Step:
    elements, result = tuple(op.elements), op.result
    dtype = numpy_dtype(element_type(result.type))
    shape = _static_shape(result.type)

    def step(env: Env) -> None:
        env[result] = immutable(np.asarray([env[e] for e in elements], dtype=dtype).reshape(shape), "a tensor")

    return step


@implements(tensor.ConcatOp)
def _concat(interp: Interpreter, op: tensor.ConcatOp) -> Step:
    inputs, result = tuple(op.inputs), op.result
    axis = op.dim.value.data

    def step(env: Env) -> None:
        arrays = [env[v].to_array() for v in inputs]
        env[result] = immutable(np.concatenate(arrays, axis=axis), "a concatenated tensor")

    return step


@implements(bufferization.ToTensorOp, bufferization.CloneOp)
def _snapshot(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]
    description = describe_origin(op)

    def step(env: Env) -> None:
        env[result] = env[source].copy(description)

    return step


@implements(bufferization.ToBufferOp)
def _to_buffer(interp: Interpreter, op: bufferization.ToBufferOp) -> Step:
    source, result = op.operands[0], op.results[0]
    description = describe_origin(op)

    def step(env: Env) -> None:
        env[result] = env[source].copy(description)

    return step


@implements(bufferization.MaterializeInDestinationOp)
def _materialize(interp: Interpreter, op: bufferization.MaterializeInDestinationOp) -> Step:
    source, dest = op.source, op.dest
    results = tuple(op.results)
    description = describe_origin(op)

    def step(env: Env) -> None:
        if results:
            fresh = env[dest].copy(description)
            env[source].copy_into(fresh)
            env[results[0]] = fresh
        else:
            env[source].copy_into(env[dest])

    return step
