"""Memory layout of memref types: element strides, offset and extent.

    memref_layout(memref<4x8xf32>) == ((8, 1), 0)
    memref_layout(memref<4x8xf32, strided<[16, 1], offset: 3>>) == ((16, 1), 3)
    memref_size(memref<4x8xf32, strided<[16, 1], offset: 3>>) == 3 + 3*16 + 7 + 1

Only static layouts are supported; others raise CompileError.
"""

from __future__ import annotations

from xdsl.dialects.builtin import MemRefType, NoneAttr, StridedLayoutAttr
from xdsl.ir import Attribute

from nnopt.support.diagnostics import CompileError


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
    raise CompileError(f"memref {type_} has a layout the C emitter does not support")


def memref_size(type_: MemRefType[Attribute]) -> int:
    """Number of elements spanned by a memref (its extent in memory)."""
    strides, offset = memref_layout(type_)
    shape = type_.get_shape()
    if any(d == 0 for d in shape):
        return 0
    return offset + 1 + sum((d - 1) * s for d, s in zip(shape, strides, strict=True))
