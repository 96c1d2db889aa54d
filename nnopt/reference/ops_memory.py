"""Semantics of memref ops and affine loads and stores.

    %a = memref.alloc() : memref<4x16xf32>          a fresh, uninitialised allocation
    %v = affine.load %A[%i, %k + 1] : memref<4x8xf32>   bounds-checked element read
    %s = memref.subview %a[0, 4] [4, 8] [1, 1] : ...     a view sharing %a's allocation

Views compute their offset and strides from their operands and check them
against the result type's layout, which is what the C emitter uses: a pass that
writes an inconsistent type is reported rather than silently trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects import affine, memref
from xdsl.dialects.builtin import IndexType, MemRefType
from xdsl.ir import Attribute, Operation, SSAValue

from nnopt.reference.affine_eval import map_function
from nnopt.reference.errors import ExecutionError, UndefinedBehaviourError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step, implements
from nnopt.reference.values import Allocation, Buffer, layout_of, numpy_dtype
from nnopt.support.diagnostics import location_of

DYNAMIC = -(2**63)


def describe_origin(op: Operation) -> str:
    where = location_of(op)
    return f"the {op.name} at {where}" if where is not None else f"a {op.name}"


def _loaded(value: Any, is_index: bool) -> Any:
    return int(value) if is_index else value


def _memref_type(value: SSAValue) -> MemRefType[Attribute]:
    type_ = value.type
    assert isinstance(type_, MemRefType)
    return type_


# -- allocation ------------------------------------------------------------------------


def _allocation_shape(op: memref.AllocOp | memref.AllocaOp, env: Env) -> tuple[int, ...]:
    type_ = _memref_type(op.memref)
    dynamic = iter(env[v] for v in op.dynamic_sizes)
    return tuple(int(next(dynamic)) if d < 0 else d for d in type_.get_shape())


@implements(memref.AllocOp, memref.AllocaOp)
def _alloc(interp: Interpreter, op: memref.AllocOp | memref.AllocaOp) -> Step:
    type_ = _memref_type(op.memref)
    dtype = numpy_dtype(type_.get_element_type())
    layout = layout_of(type_)
    result = op.memref
    description = describe_origin(op)
    heap = isinstance(op, memref.AllocOp)

    def step(env: Env) -> None:
        shape = _allocation_shape(op, env)
        if any(d < 0 for d in shape):
            raise UndefinedBehaviourError(f"allocates a buffer of negative size {shape}")
        if layout is None or op.dynamic_sizes:
            buffer = Buffer.new(dtype, shape, description)
        else:
            strides, offset = layout
            extent = offset + 1 + sum((d - 1) * s for d, s in zip(shape, strides, strict=True)) if all(shape) else 0
            alloc = Allocation.uninitialized(dtype, max(extent, 1), description)
            buffer = Buffer(alloc, offset, shape, strides)
        buffer.alloc.heap = heap
        env[result] = buffer

    return step


@implements(memref.DeallocOp)
def _dealloc(interp: Interpreter, op: memref.DeallocOp) -> Step:
    operand = op.memref

    def step(env: Env) -> None:
        alloc = env[operand].alloc
        if not alloc.heap:
            raise UndefinedBehaviourError(f"frees {alloc.description}, which memref.alloc did not allocate")
        if not alloc.live:
            raise UndefinedBehaviourError(f"frees {alloc.description} twice")
        alloc.live = False

    return step


@implements(memref.GetGlobalOp)
def _get_global(interp: Interpreter, op: memref.GetGlobalOp) -> Step:
    name = op.name_.string_value()
    result = op.memref

    def step(env: Env) -> None:
        env[result] = interp.global_buffer(name, op)

    return step


@implements(memref.AllocaScopeOp)
def _alloca_scope(interp: Interpreter, op: memref.AllocaScopeOp) -> Step:
    body = interp.region(op.scope)
    results = tuple(op.results)

    def step(env: Env) -> None:
        if body is not None:
            for result, value in zip(results, body.run(env), strict=True):
                env[result] = value

    return step


# -- element access -------------------------------------------------------------------


@implements(memref.LoadOp)
def _load(interp: Interpreter, op: memref.LoadOp) -> Step:
    source, indices, result = op.memref, tuple(op.indices), op.res
    is_index = isinstance(result.type, IndexType)

    def step(env: Env) -> None:
        env[result] = _loaded(env[source].load([env[i] for i in indices]), is_index)

    return step


@implements(memref.StoreOp)
def _store(interp: Interpreter, op: memref.StoreOp) -> Step:
    value, target, indices = op.value, op.memref, tuple(op.indices)

    def step(env: Env) -> None:
        env[target].store([env[i] for i in indices], env[value])

    return step


@implements(affine.LoadOp)
def _affine_load(interp: Interpreter, op: affine.LoadOp) -> Step:
    fn = map_function(op.map.data)
    source, indices, result = op.memref, tuple(op.indices), op.result
    is_index = isinstance(result.type, IndexType)

    def step(env: Env) -> None:
        env[result] = _loaded(env[source].load(fn(*[env[i] for i in indices])), is_index)

    return step


@implements(affine.StoreOp)
def _affine_store(interp: Interpreter, op: affine.StoreOp) -> Step:
    fn = map_function(op.map.data)
    value, target, indices = op.value, op.memref, tuple(op.indices)

    def step(env: Env) -> None:
        env[target].store(fn(*[env[i] for i in indices]), env[value])

    return step


@implements(memref.CopyOp)
def _copy(interp: Interpreter, op: memref.CopyOp) -> Step:
    source, target = op.source, op.destination

    def step(env: Env) -> None:
        env[source].copy_into(env[target])

    return step


@implements(memref.DimOp)
def _dim(interp: Interpreter, op: memref.DimOp) -> Step:
    source, index, result = op.source, op.index, op.result

    def step(env: Env) -> None:
        shape = env[source].shape
        axis = int(env[index])
        if not 0 <= axis < len(shape):
            raise UndefinedBehaviourError(f"asks for dimension {axis} of a rank-{len(shape)} buffer")
        env[result] = shape[axis]

    return step


@implements(memref.RankOp)
def _rank(interp: Interpreter, op: memref.RankOp) -> Step:
    source, result = op.source, op.results[0]

    def step(env: Env) -> None:
        env[result] = len(env[source].shape)

    return step


# -- views -------------------------------------------------------------------------------


def check_layout(view: Buffer, type_: Attribute, op: Operation) -> Buffer:
    """`view`, after checking that the static parts of `type_` agree with it."""
    if not isinstance(type_, MemRefType):
        return view
    shape = type_.get_shape()
    if len(shape) != len(view.shape) or any(d >= 0 and d != v for d, v in zip(shape, view.shape, strict=True)):
        raise ExecutionError(f"produces a view of shape {view.shape}, but its type is {type_}", op)
    layout = layout_of(type_) if all(d >= 0 for d in shape) else None
    if layout is not None:
        strides, offset = layout
        significant = [(s, v) for s, v, d in zip(strides, view.strides, view.shape, strict=True) if d > 1]
        if offset != view.offset or any(s != v for s, v in significant):
            raise ExecutionError(
                f"produces a view with offset {view.offset} and strides {list(view.strides)}, "
                f"but its type {type_} says offset {offset} and strides {list(strides)}",
                op,
            )
    return view


def _mixed(static: Sequence[int], dynamic: Sequence[SSAValue], env: Env) -> list[int]:
    values = iter(env[v] for v in dynamic)
    return [int(next(values)) if s == DYNAMIC else s for s in static]


@implements(memref.SubviewOp)
def _subview(interp: Interpreter, op: memref.SubviewOp) -> Step:
    source, result = op.source, op.result
    static_offsets = op.static_offsets.get_values()
    static_sizes = op.static_sizes.get_values()
    static_strides = op.static_strides.get_values()
    offsets_operands, sizes_operands, strides_operands = tuple(op.offsets), tuple(op.sizes), tuple(op.strides)
    result_type = _memref_type(result)
    result_rank = len(result_type.get_shape())

    def step(env: Env) -> None:
        base: Buffer = env[source]
        offsets = _mixed(static_offsets, offsets_operands, env)
        sizes = _mixed(static_sizes, sizes_operands, env)
        strides = _mixed(static_strides, strides_operands, env)
        for axis, (o, n, s, extent) in enumerate(zip(offsets, sizes, strides, base.shape, strict=True)):
            if n < 0 or o < 0 or (n > 0 and o + (n - 1) * s >= extent):
                raise UndefinedBehaviourError(
                    f"takes elements {o} to {o + (n - 1) * s} (step {s}) of dimension {axis}, "
                    f"which has {extent}: out of bounds"
                )
        offset = base.offset + sum(o * s for o, s in zip(offsets, base.strides, strict=True))
        shape = list(sizes)
        view_strides = [s * b for s, b in zip(strides, base.strides, strict=True)]
        if result_rank < len(shape):
            shape, view_strides = _drop_unit_dims(shape, view_strides, result_type, op)
        env[result] = check_layout(Buffer(base.alloc, offset, tuple(shape), tuple(view_strides)), result_type, op)

    return step


def _drop_unit_dims(
    shape: list[int], strides: list[int], type_: MemRefType[Attribute], op: Operation
) -> tuple[list[int], list[int]]:
    """Rank reduction: drop size-1 dims that the result type does not have.

    Which of several unit dims is dropped does not matter: a size-1 dim's stride
    never moves an address.
    """
    target = type_.get_shape()
    kept_shape: list[int] = []
    kept_strides: list[int] = []
    for size, stride in zip(shape, strides, strict=True):
        position = len(kept_shape)
        if position < len(target) and (target[position] < 0 or size == target[position]):
            kept_shape.append(size)
            kept_strides.append(stride)
        elif size != 1:
            raise ExecutionError(f"cannot drop dimensions of {shape} to reach {type_}", op)
    if len(kept_shape) != len(target):
        raise ExecutionError(f"cannot drop dimensions of {shape} to reach {type_}", op)
    return kept_shape, kept_strides


def _reassociation(op: memref.ExpandShapeOp | memref.CollapseShapeOp) -> list[list[int]]:
    return [[int(i.value.data) for i in group.data] for group in op.reassociation.data]  # type: ignore[attr-defined]


@implements(memref.CollapseShapeOp)
def _collapse_shape(interp: Interpreter, op: memref.CollapseShapeOp) -> Step:
    groups = _reassociation(op)
    source, result = op.src, op.result

    def step(env: Env) -> None:
        base: Buffer = env[source]
        shape: list[int] = []
        strides: list[int] = []
        for group in groups:
            sizes = [base.shape[i] for i in group]
            group_strides = [base.strides[i] for i in group]
            for k in range(len(group) - 1):
                if sizes[k + 1] > 1 and sizes[k] > 1 and group_strides[k] != group_strides[k + 1] * sizes[k + 1]:
                    raise UndefinedBehaviourError(
                        f"collapses dimensions {group} of a view whose strides {group_strides} are not contiguous"
                    )
            shape.append(int(np.prod(sizes, dtype=np.int64)))
            strides.append(group_strides[-1] if group else 1)
        env[result] = check_layout(Buffer(base.alloc, base.offset, tuple(shape), tuple(strides)), result.type, op)

    return step


@implements(memref.ExpandShapeOp)
def _expand_shape(interp: Interpreter, op: memref.ExpandShapeOp) -> Step:
    groups = _reassociation(op)
    source, result = op.src, op.result
    static_shape = op.static_output_shape.get_values()
    dynamic = tuple(op.output_shape)

    def step(env: Env) -> None:
        base: Buffer = env[source]
        out_shape = _mixed(static_shape, dynamic, env)
        strides = [0] * len(out_shape)
        for axis, group in enumerate(groups):
            sizes = [out_shape[i] for i in group]
            if int(np.prod(sizes, dtype=np.int64)) != base.shape[axis]:
                raise UndefinedBehaviourError(
                    f"expands dimension {axis} of size {base.shape[axis]} into {sizes}"
                )
            running = base.strides[axis]
            for i in reversed(group):
                strides[i] = running
                running *= out_shape[i]
        env[result] = check_layout(Buffer(base.alloc, base.offset, tuple(out_shape), tuple(strides)), result.type, op)

    return step


@implements(memref.CastOp, memref.MemorySpaceCastOp)
def _cast(interp: Interpreter, op: Operation) -> Step:
    source, result = op.operands[0], op.results[0]

    def step(env: Env) -> None:
        env[result] = check_layout(env[source], result.type, op)

    return step


@implements(memref.ReinterpretCastOp)
def _reinterpret_cast(interp: Interpreter, op: memref.ReinterpretCastOp) -> Step:
    source, result = op.source, op.result
    static_offsets = op.static_offsets.get_values()
    static_sizes = op.static_sizes.get_values()
    static_strides = op.static_strides.get_values()
    operands = (tuple(op.offsets), tuple(op.sizes), tuple(op.strides))

    def step(env: Env) -> None:
        base: Buffer = env[source]
        [offset] = _mixed(static_offsets, operands[0], env)
        sizes = _mixed(static_sizes, operands[1], env)
        strides = _mixed(static_strides, operands[2], env)
        env[result] = check_layout(Buffer(base.alloc, offset, tuple(sizes), tuple(strides)), result.type, op)

    return step


@implements(memref.AssumeAlignmentOp)
def _assume_alignment(interp: Interpreter, op: memref.AssumeAlignmentOp) -> Step:
    if not op.results:
        return lambda env: None
    source, result = op.operands[0], op.results[0]

    def step(env: Env) -> None:
        env[result] = env[source]

    return step


def unsupported(op: Operation) -> UnsupportedOpError:
    return UnsupportedOpError("is not supported by the reference executor", op)
