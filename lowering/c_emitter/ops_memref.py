"""C for memref ops: buffers, globals, views, element access.

    %a = memref.alloc() : memref<4x16xf32>    ->  float *a = nn_alloc(256); if (!a) return 1;
                                                  (inside an OpenMP loop: nn_abort_alloc())
    memref.dealloc %a : memref<4x16xf32>      ->  free(a);
    %t = memref.alloca() : memref<16xf32>     ->  float t[16] __attribute__((aligned(64)));
    memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
        ->  static const float w[2] __attribute__((aligned(64))) = {1.0f, 2.0f};
    %v = memref.expand_shape %a ...           ->  float *v = a;   (views alias their source)

Every memref variable points at the start of its underlying buffer; the memref
type's strided layout (offset, strides) is applied at each element access.
"""

from __future__ import annotations

from xdsl.dialects import memref
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, MemRefType, UnitAttr

from nnopt.lowering.c_emitter.emitter import CEmitter, check_c_symbol
from nnopt.lowering.c_emitter.registry import emits
from nnopt.lowering.c_emitter.types import (
    c_type,
    element_c_type,
    memref_layout,
    memref_size,
    scalar_literal,
)
from nnopt.passes.memory_access import VIEW_OPS
from nnopt.support.diagnostics import CompileError


def _bytes(type_: MemRefType) -> int:
    element = type_.get_element_type()
    width = {"float": 4, "double": 8, "_Float16": 2, "bool": 1, "int8_t": 1, "int16_t": 2,
             "int32_t": 4, "int64_t": 8, "intptr_t": 8}[c_type(element)]
    return memref_size(type_) * width


@emits(memref.AllocOp)
def _alloc(e: CEmitter, op: memref.AllocOp) -> None:
    type_ = op.memref.type
    assert isinstance(type_, MemRefType)
    if op.dynamic_sizes:
        raise CompileError("has dynamic sizes; only static shapes are supported", op)
    name = e.name(op.memref)
    ctype = element_c_type(type_)
    e.line(f"{ctype} *restrict {name} = ({ctype} *)nn_alloc({_bytes(type_)});")
    # a parallel region cannot be left with return: out of memory there aborts
    e.line(f"if (!{name}) {'nn_abort_alloc();' if e.parallel_depth else 'return 1;'}")


MAX_STACK_BYTES = 4 << 20
"""memref.alloca becomes a C array on the stack; beyond this it would overflow the
stack of an OpenMP worker (a few MiB) and crash the process."""


@emits(memref.AllocaOp)
def _alloca(e: CEmitter, op: memref.AllocaOp) -> None:
    type_ = op.memref.type
    assert isinstance(type_, MemRefType)
    if op.dynamic_sizes:
        raise CompileError("has dynamic sizes; only static shapes are supported", op)
    if _bytes(type_) > MAX_STACK_BYTES:
        raise CompileError(
            f"allocates {_bytes(type_)} bytes, too large for the stack (at most {MAX_STACK_BYTES}); "
            "use memref.alloc",
            op,
        )
    name = e.name(op.memref)
    e.line(f"{element_c_type(type_)} {name}[{max(memref_size(type_), 1)}] __attribute__((aligned(64)));")


@emits(memref.DeallocOp)
def _dealloc(e: CEmitter, op: memref.DeallocOp) -> None:
    e.line(f"free({e.expr(op.memref)});")


def _initializer(op: memref.GlobalOp) -> str:
    value = op.initial_value
    if not isinstance(value, DenseIntOrFPElementsAttr):
        return ""
    element = value.get_element_type()
    values = value.get_values()
    count = memref_size(op.type)  # type: ignore[arg-type]
    if len(values) == 1 and count > 1:
        if values[0] == 0:
            return " = {0}"
        values = tuple(values) * count
    body = ", ".join(scalar_literal(v, element) for v in values)
    return f" = {{{body}}}"


@emits(memref.GlobalOp)
def _global(e: CEmitter, op: memref.GlobalOp) -> None:
    type_ = op.type
    assert isinstance(type_, MemRefType)
    check_c_symbol(op.sym_name.data, "global", op)
    const = "const " if isinstance(op.constant, UnitAttr) else ""
    size = max(memref_size(type_), 1)
    e.line(
        f"static {const}{element_c_type(type_)} {op.sym_name.data}[{size}] "
        f"__attribute__((aligned(64))){_initializer(op)};"
    )
    e.module_names.add(op.sym_name.data)


@emits(memref.GetGlobalOp)
def _get_global(e: CEmitter, op: memref.GetGlobalOp) -> None:
    e.set_expression(op.memref, op.name_.string_value())


@emits(*VIEW_OPS)
def _view(e: CEmitter, op) -> None:  # type: ignore[no-untyped-def]
    source = op.operands[0]
    result = op.results[0]
    e.set_base(result, source)
    e.set_expression(result, e.expr(source))


@emits(memref.LoadOp)
def _load(e: CEmitter, op: memref.LoadOp) -> None:
    e.define(op.res, e.element_address(op.memref, [e.expr(i) for i in op.indices]))


@emits(memref.StoreOp)
def _store(e: CEmitter, op: memref.StoreOp) -> None:
    address = e.element_address(op.memref, [e.expr(i) for i in op.indices])
    e.line(f"{address} = {e.expr(op.value)};")


@emits(memref.CopyOp)
def _copy(e: CEmitter, op: memref.CopyOp) -> None:
    source, target = op.source.type, op.destination.type
    assert isinstance(source, MemRefType) and isinstance(target, MemRefType)
    if memref_layout(source) != memref_layout(target) or memref_layout(source)[1] != 0:
        raise CompileError("copies between different layouts; lower it to loops first", op)
    e.line(f"memcpy({e.expr(op.destination)}, {e.expr(op.source)}, {_bytes(source)});")
