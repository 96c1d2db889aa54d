"""Semantics of linalg ops, on tensors and on memrefs, from indexing maps and body.

Every structured op (generic, the named ops, linalg.broadcast, linalg.reduce)
is an iteration space, one indexing map per operand and a scalar body:

    for every point p of the iteration space, in lexicographic order:
        outs[k][map_k(p)] = body(ins[i][map_i(p)]..., outs[k][map_k(p)]...)

On tensors the outputs are fresh copies of the `outs` operands, returned as the
results; on memrefs they are written in place.

When the body is plain arithmetic and every output is indexed by all parallel
loops, the parallel loops are evaluated at once with numpy (the reduction loops
still run one after the other, in order, so sums accumulate in the same order
as the loop nest); otherwise the points are visited one by one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import MemRefType, TensorType
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap

from nnopt.reference.affine_eval import map_function
from nnopt.reference.errors import ExecutionError, UnsupportedOpError
from nnopt.reference.interpreter import CompiledBlock, Env, Interpreter, Step, implements
from nnopt.reference.values import Buffer


@dataclass(frozen=True)
class StructuredForm:
    """A structured op as an iteration space, operand maps and a body."""

    inputs: tuple[SSAValue, ...]
    outputs: tuple[SSAValue, ...]
    maps: tuple[AffineMap, ...]
    parallel: tuple[bool, ...]
    """For each loop, whether it is parallel (else reduction or window)."""
    body: Block
    results: tuple[SSAValue, ...]


def structured_form(op: Operation) -> StructuredForm:
    if isinstance(op, LinalgStructuredOperation):
        maps = tuple(m.data for m in op.get_indexing_maps())
        kinds = tuple(it.data.value for it in op.get_iterator_types())
        return StructuredForm(
            tuple(op.inputs), tuple(op.outputs), maps, tuple(k == "parallel" for k in kinds),
            op.body.block, tuple(op.results),
        )
    if isinstance(op, linalg.BroadcastOp):
        rank = len(_shape_of(op.init))
        added = set(op.dimensions.get_values())
        input_map = AffineMap(rank, 0, tuple(AffineExpr.dimension(d) for d in range(rank) if d not in added))
        return StructuredForm(
            (op.input,), (op.init,), (input_map, AffineMap.identity(rank)), (True,) * rank,
            op.hidden_region.block, tuple(op.results),
        )
    if isinstance(op, linalg.ReduceOp):
        rank = len(_shape_of(op.input))
        reduced = set(op.dimensions.get_values())
        output_map = AffineMap(rank, 0, tuple(AffineExpr.dimension(d) for d in range(rank) if d not in reduced))
        return StructuredForm(
            (op.input,), (op.init,), (AffineMap.identity(rank), output_map),
            tuple(d not in reduced for d in range(rank)), op.region.block, tuple(op.results),
        )
    raise UnsupportedOpError("is not a structured op the reference executor knows")


def _shape_of(value: SSAValue) -> tuple[int, ...]:
    type_ = value.type
    assert isinstance(type_, TensorType | MemRefType)
    return tuple(type_.get_shape())


def _is_shaped(value: SSAValue) -> bool:
    return isinstance(value.type, TensorType | MemRefType)


_ELEMENTWISE_DIALECTS = ("arith", "math")


def _body_is_elementwise(body: Block) -> bool:
    for op in body.ops:
        if isinstance(op, linalg.YieldOp | linalg.IndexOp):
            continue
        if op.dialect_name() not in _ELEMENTWISE_DIALECTS or op.regions:
            return False
    return True


def _outputs_indexed_by_all_parallel_loops(form: StructuredForm) -> bool:
    n_inputs = len(form.inputs)
    parallel = {d for d, p in enumerate(form.parallel) if p}
    for out_map in form.maps[n_inputs:]:
        bare = {e.position for e in out_map.results if isinstance(e, AffineDimExpr)}
        if not parallel <= bare:
            return False
    return True


def non_overlapping(buffer: Buffer) -> bool:
    """Whether distinct indices of `buffer` always address distinct elements."""
    dims = sorted((abs(s), n) for s, n in zip(buffer.strides, buffer.shape, strict=True) if n > 1)
    reach = 1
    for stride, size in dims:
        if stride < reach:
            return False
        reach = stride * size
    return True


def loop_ranges(form: StructuredForm, shapes: Sequence[tuple[int, ...] | None], op: Operation) -> list[int]:
    ranges: list[int | None] = [None] * len(form.parallel)
    for index_map, shape in zip(form.maps, shapes, strict=True):
        if shape is None:
            continue
        for position, expr in enumerate(index_map.results):
            if isinstance(expr, AffineDimExpr) and ranges[expr.position] is None:
                ranges[expr.position] = shape[position]
    if any(r is None for r in ranges):
        if isinstance(op, LinalgStructuredOperation):
            static = op.get_static_loop_ranges()
            return [r if r is not None else static[d] for d, r in enumerate(ranges)]
        raise UnsupportedOpError("has a loop whose range no operand dimension gives")
    return [int(r) for r in ranges]  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Prepared:
    form: StructuredForm
    body: CompiledBlock
    map_functions: tuple[Any, ...]
    used: tuple[bool, ...]
    """Whether the body reads each operand's block argument."""
    elementwise: bool


def _run_pointwise(prepared: _Prepared, env: Env, operands: list[Any], ranges: list[int]) -> None:
    form = prepared.form
    block = form.body
    args = block.args
    n_inputs = len(form.inputs)
    outputs = operands[n_inputs:]
    output_functions = prepared.map_functions[n_inputs:]
    key = ("linalg.index", block)
    for point in itertools.product(*[range(r) for r in ranges]):
        env[key] = point
        for arg, value, fn, used in zip(args, operands, prepared.map_functions, prepared.used, strict=True):
            if not used:
                continue
            env[arg] = value.load(fn(*point)) if isinstance(value, Buffer) else value
        yielded = prepared.body.run(env)
        for out, fn, value in zip(outputs, output_functions, yielded, strict=True):
            out.store(fn(*point), value)


def _run_vectorised(prepared: _Prepared, env: Env, operands: list[Any], ranges: list[int]) -> None:
    form = prepared.form
    block = form.body
    args = block.args
    n_inputs = len(form.inputs)
    outputs = operands[n_inputs:]
    output_functions = prepared.map_functions[n_inputs:]
    parallel_dims = [d for d, p in enumerate(form.parallel) if p]
    reduction_dims = [d for d, p in enumerate(form.parallel) if not p]
    parallel_ranges = [ranges[d] for d in parallel_dims]
    count = int(np.prod(parallel_ranges, dtype=np.int64)) if parallel_ranges else 1
    if count == 0 or any(ranges[d] == 0 for d in reduction_dims):
        return
    grid = np.indices(parallel_ranges, dtype=np.int64).reshape(len(parallel_dims), count)
    dims: list[Any] = [None] * len(ranges)
    for k, d in enumerate(parallel_dims):
        dims[d] = grid[k]
    key = ("linalg.index", block)

    def indices_of(fn: Any) -> list[Any]:
        return [np.broadcast_to(np.asarray(i, dtype=np.int64), (count,)) for i in fn(*dims)]

    for point in itertools.product(*[range(ranges[d]) for d in reduction_dims]):
        for d, value in zip(reduction_dims, point, strict=True):
            dims[d] = value
        env[key] = tuple(dims)
        for arg, value, fn, used in zip(args, operands, prepared.map_functions, prepared.used, strict=True):
            if not used:
                continue
            env[arg] = value.gather(indices_of(fn)) if isinstance(value, Buffer) else value
        yielded = prepared.body.run(env)
        for out, fn, value in zip(outputs, output_functions, yielded, strict=True):
            out.scatter(indices_of(fn), np.broadcast_to(np.asarray(value), (count,)))


@implements(LinalgStructuredOperation, linalg.BroadcastOp, linalg.ReduceOp)
def _structured(interp: Interpreter, op: Operation) -> Step:
    form = structured_form(op)
    on_tensors = bool(form.results)
    if len(form.maps) != len(form.inputs) + len(form.outputs):
        raise ExecutionError(f"has {len(form.maps)} indexing maps for {len(form.inputs) + len(form.outputs)} operands", op)
    prepared = _Prepared(
        form,
        interp.block(form.body),
        tuple(map_function(m) for m in form.maps),
        tuple(bool(arg.uses) for arg in form.body.args),
        _body_is_elementwise(form.body) and _outputs_indexed_by_all_parallel_loops(form),
    )
    operand_values = (*form.inputs, *form.outputs)
    n_inputs = len(form.inputs)

    def step(env: Env) -> None:
        operands = [env[v] for v in operand_values]
        if on_tensors:
            operands[n_inputs:] = [
                out.copy(f"the tensor computed by {op.name}") for out in operands[n_inputs:]
            ]
        shapes = [v.shape if isinstance(v, Buffer) else None for v in operands]
        ranges = loop_ranges(form, shapes, op)
        vectorise = prepared.elementwise and all(non_overlapping(out) for out in operands[n_inputs:])
        if vectorise and not on_tensors:
            written = {id(out.alloc) for out in operands[n_inputs:]}
            vectorise = not any(isinstance(v, Buffer) and id(v.alloc) in written for v in operands[:n_inputs])
        if vectorise:
            _run_vectorised(prepared, env, operands, ranges)
        else:
            _run_pointwise(prepared, env, operands, ranges)
        if on_tensors:
            for result, out in zip(form.results, operands[n_inputs:], strict=True):
                env[result] = out

    return step


@implements(linalg.IndexOp)
def _index(interp: Interpreter, op: linalg.IndexOp) -> Step:
    dim = op.dim.value.data
    block = op.parent_block()
    while block is not None and not isinstance(block.parent_op(), LinalgStructuredOperation):
        parent = block.parent_op()
        block = parent.parent_block() if parent is not None else None
    if block is None:
        raise UnsupportedOpError("is not inside a linalg op")
    key = ("linalg.index", block)
    result = op.result

    def step(env: Env) -> None:
        env[result] = env[key][dim]

    return step

