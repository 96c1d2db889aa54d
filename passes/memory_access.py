"""Which memrefs an op reads and writes, and which memref a view aliases.

    reads, writes = memory_access(op)      # ([%A], [%C]) for affine.store %v, %C[...]
    view_source(op)                        # %A for memref.expand_shape %A ...
    root_buffer(value)                     # follows views back to the allocation/argument
    memref_layout(memref<4x8xf32>)         # ((8, 1), 0): element strides and offset

Used by the C emitter (const-qualified read-only arguments), bufferization checks
and the polyhedral SCoP extraction. An op with memref operands that is not listed
here is treated as reading and writing all of them.
"""

from __future__ import annotations

from xdsl.dialects import affine, memref, vector
from xdsl.dialects.builtin import MemRefType, NoneAttr, StridedLayoutAttr
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Operation, SSAValue

from nnopt.support.diagnostics import CompileError

VIEW_OPS: tuple[type[Operation], ...] = (
    memref.SubviewOp,
    memref.ExpandShapeOp,
    memref.CollapseShapeOp,
    memref.ReinterpretCastOp,
    memref.CastOp,
)


def view_source(op: Operation) -> SSAValue | None:
    """The memref a view op aliases, or None if `op` is not a view."""
    if isinstance(op, VIEW_OPS):
        return op.operands[0]
    return None


def root_buffer(value: SSAValue) -> SSAValue:
    """The allocation, global or argument a memref value is a view of."""
    while isinstance(value.owner, Operation) and (source := view_source(value.owner)) is not None:
        value = source
    return value


def memory_access(op: Operation) -> tuple[list[SSAValue], list[SSAValue]]:
    """(memrefs read, memrefs written) by `op` itself (not its regions)."""
    match op:
        case affine.LoadOp() | affine.VectorLoadOp() | memref.LoadOp():
            return [op.memref], []
        case affine.StoreOp() | affine.VectorStoreOp() | memref.StoreOp():
            return [], [op.memref]
        case vector.LoadOp() | vector.MaskedLoadOp():
            return [op.base], []
        case vector.StoreOp() | vector.MaskedStoreOp():
            return [], [op.base]
        case vector.TransferReadOp():
            return [op.source], []
        case vector.TransferWriteOp():
            return [], [op.source]
        case memref.CopyOp():
            return [op.source], [op.destination]
        case LinalgStructuredOperation():
            return list(op.inputs), list(op.outputs)
        case memref.DeallocOp() | memref.AllocOp() | memref.AllocaOp() | memref.GetGlobalOp():
            return [], []
    if view_source(op) is not None:
        return [], []
    memrefs = [v for v in op.operands if isinstance(v.type, MemRefType)]
    return memrefs, memrefs


def written_roots(scope: Operation) -> set[SSAValue]:
    """Root buffers written anywhere inside `scope`."""
    written: set[SSAValue] = set()
    for op in scope.walk():
        for value in memory_access(op)[1]:
            written.add(root_buffer(value))
    return written


def memref_layout(type_: MemRefType[Attribute]) -> tuple[tuple[int, ...], int]:
    """Element strides and offset of a memref with static layout."""
    shape = type_.get_shape()
    if any(d < 0 for d in shape):
        raise CompileError(f"memref {type_} has a dynamic shape; only static shapes are supported")
    layout = type_.layout
    if isinstance(layout, NoneAttr):
        strides: list[int] = []
        running = 1
        for size in reversed(shape):
            strides.append(running)
            running *= size
        return tuple(reversed(strides)), 0
    if isinstance(layout, StridedLayoutAttr):
        strides_opt = layout.get_strides()
        offset = layout.get_offset()
        if offset is None or any(s is None for s in strides_opt):
            raise CompileError(f"memref {type_} has a dynamic layout; only static layouts are supported")
        return tuple(s for s in strides_opt if s is not None), offset
    raise CompileError(f"memref {type_} has a layout nn-opt does not support")
