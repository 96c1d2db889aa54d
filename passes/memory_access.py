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
from xdsl.dialects.builtin import MemRefType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation, SSAValue

from nnopt.dialects.layouts import memref_layout

__all__ = ["memory_access", "memref_layout", "root_buffer", "view_source", "written_roots"]

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
