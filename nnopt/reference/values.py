"""Runtime values of the reference executor: allocations and strided buffers.

Every memref *and* every tensor value is a `Buffer`: a strided view (offset,
shape, strides in elements) of an `Allocation`, a flat numpy array. Views
(subview, expand_shape, ...) share the allocation, so aliasing behaves as in C.
Tensors are buffers that no op mutates after creating them.

An allocation remembers which elements were written (`initialized`), whether it
was freed (`live`) and whether it may be written (`writable`), so that reading
uninitialised memory, use after free and writes to constants are reported
instead of producing numbers:

    alloc = Allocation.uninitialized(np.dtype(np.float32), 16, "memref.alloc")
    buf = Buffer.contiguous(alloc, (4, 4))
    buf.store((1, 2), np.float32(3.0))
    buf.load((1, 2))            # 3.0
    buf.load((0, 0))            # UndefinedBehaviourError: never written

Scalars are numpy scalars of the element type, except `index`, which is a
Python int.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    IndexType,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute

from nnopt.reference.errors import UndefinedBehaviourError, UnsupportedOpError
from nnopt.support.numpy_types import scalar_dtype


def numpy_dtype(type_: Attribute) -> np.dtype:
    """The numpy dtype holding one element of `type_` (a scalar type)."""
    dtype = scalar_dtype(type_)
    if dtype is None:
        raise UnsupportedOpError(f"the reference executor has no representation for type {type_}")
    return dtype


def element_type(type_: Attribute) -> Attribute:
    if isinstance(type_, MemRefType | TensorType | VectorType):
        return type_.get_element_type()
    return type_


def scalar(value: Any, type_: Attribute) -> Any:
    """`value` converted to the runtime representation of a scalar of `type_`
    (with C's wrap-around for integers)."""
    if isinstance(type_, IndexType):
        return int(value)
    dtype = numpy_dtype(type_)
    if dtype.kind in "iub" and not isinstance(value, np.generic | np.ndarray):
        return np.array(value).astype(dtype)[()]
    return dtype.type(value)


def convert(value: Any, type_: Attribute) -> Any:
    """`value` (scalar or numpy array) converted elementwise to `type_`'s element type."""
    if isinstance(value, np.ndarray):
        target = element_type(type_)
        return value.astype(numpy_dtype(target))
    return scalar(value, element_type(type_))


def dense_array(values: Sequence[Any], shape: Sequence[int], dtype: np.dtype) -> np.ndarray:
    """The array of a dense elements attribute (a single value is a splat)."""
    elements = np.asarray(values, dtype=dtype)
    size = int(np.prod(shape, dtype=np.int64))
    if elements.size == size:
        return elements.reshape(shape).copy()
    if elements.size == 1:
        return np.full(shape, elements.reshape(()), dtype=dtype)
    raise UnsupportedOpError(f"dense value with {elements.size} elements for shape {list(shape)}")


def _fill_value(dtype: np.dtype) -> Any:
    if dtype.kind == "f":
        return np.nan
    if dtype.kind == "b":
        return True
    return np.iinfo(dtype).min


class Allocation:
    """A flat block of elements with its bookkeeping."""

    __slots__ = ("data", "description", "heap", "initialized", "live", "writable")

    def __init__(
        self,
        data: np.ndarray,
        description: str,
        initialized: np.ndarray | None = None,
        writable: bool = True,
        heap: bool = False,
    ) -> None:
        self.data = data
        self.description = description
        self.initialized = initialized
        """Which elements were written; None when all of them hold values."""
        self.live = True
        self.writable = writable
        self.heap = heap
        """Whether memref.dealloc may free it (it came from memref.alloc)."""

    @staticmethod
    def uninitialized(dtype: np.dtype, size: int, description: str) -> Allocation:
        data = np.full(size, _fill_value(dtype), dtype=dtype)
        return Allocation(data, description, np.zeros(size, dtype=bool))

    @staticmethod
    def of_array(array: np.ndarray, description: str, writable: bool = True) -> Allocation:
        """An allocation sharing the memory of a C-contiguous numpy array."""
        return Allocation(array.reshape(-1), description, None, writable)

    def check_live(self) -> None:
        if not self.live:
            raise UndefinedBehaviourError(f"accesses {self.description} after it was freed")

    def mark_written(self, linear: Any) -> None:
        if self.initialized is not None:
            self.initialized[linear] = True

    def check_initialized(self, linear: Any) -> None:
        if self.initialized is not None and not np.all(self.initialized[linear]):
            raise UndefinedBehaviourError(
                f"reads an element of {self.description} that was never written"
            )


def layout_of(type_: MemRefType[Attribute]) -> tuple[tuple[int, ...], int] | None:
    """(strides, offset) of a memref type; None when part of it is dynamic."""
    shape = type_.get_shape()
    layout = type_.layout
    if isinstance(layout, NoneAttr):
        strides: list[int] = []
        running = 1
        for size in reversed(shape):
            strides.append(running)
            running *= max(size, 0)
        return tuple(reversed(strides)), 0
    if isinstance(layout, StridedLayoutAttr):
        strides_opt = layout.get_strides()
        offset = layout.get_offset()
        if offset is None or any(s is None for s in strides_opt):
            return None
        return tuple(int(s) for s in strides_opt if s is not None), int(offset)
    raise UnsupportedOpError(f"memref layout {layout} is not supported by the reference executor")


def row_major_strides(shape: Sequence[int]) -> tuple[int, ...]:
    strides: list[int] = []
    running = 1
    for size in reversed(shape):
        strides.append(running)
        running *= size
    return tuple(reversed(strides))


@dataclass(slots=True)
class Buffer:
    """A strided view of an allocation: the value of a memref or a tensor."""

    alloc: Allocation
    offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]

    @staticmethod
    def contiguous(alloc: Allocation, shape: Sequence[int], offset: int = 0) -> Buffer:
        return Buffer(alloc, offset, tuple(shape), row_major_strides(shape))

    @staticmethod
    def new(dtype: np.dtype, shape: Sequence[int], description: str) -> Buffer:
        """A fresh buffer whose elements are all uninitialised."""
        size = int(np.prod(shape, dtype=np.int64)) if shape else 1
        return Buffer.contiguous(Allocation.uninitialized(dtype, size, description), shape)

    @staticmethod
    def from_array(array: np.ndarray, description: str, writable: bool = True) -> Buffer:
        array = np.asarray(array, order="C")
        return Buffer.contiguous(Allocation.of_array(array, description, writable), array.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.alloc.data.dtype

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    def describe(self) -> str:
        return "x".join(str(d) for d in self.shape) or "0-d"

    # -- single elements ------------------------------------------------------------

    def linear(self, indices: Sequence[int]) -> int:
        """The flat position of an element; raises on an out-of-bounds index."""
        if len(indices) != len(self.shape):
            raise UndefinedBehaviourError(
                f"uses {len(indices)} indices on a rank-{len(self.shape)} buffer"
            )
        position = self.offset
        for axis, (index, size, stride) in enumerate(zip(indices, self.shape, self.strides, strict=True)):
            if not 0 <= index < size:
                raise UndefinedBehaviourError(
                    f"accesses index {index} of dimension {axis} of a {self.describe()} "
                    f"buffer ({self.alloc.description}): out of bounds"
                )
            position += index * stride
        if not 0 <= position < len(self.alloc.data):
            raise UndefinedBehaviourError(
                f"accesses element {position} of {self.alloc.description}, which has "
                f"{len(self.alloc.data)} elements: the view's layout reaches outside its allocation"
            )
        return position

    def load(self, indices: Sequence[int]) -> Any:
        alloc = self.alloc
        position = self.linear(indices)
        if not alloc.live:
            alloc.check_live()
        if alloc.initialized is not None and not alloc.initialized[position]:
            alloc.check_initialized(position)
        return alloc.data[position]

    def store(self, indices: Sequence[int], value: Any) -> None:
        alloc = self.alloc
        position = self.linear(indices)
        if not alloc.live:
            alloc.check_live()
        if not alloc.writable:
            raise UndefinedBehaviourError(f"writes to {alloc.description}, which is read-only")
        alloc.data[position] = value
        if alloc.initialized is not None:
            alloc.mark_written(position)

    # -- many elements at once (numpy index arrays) --------------------------------

    def linear_many(self, indices: Sequence[Any]) -> Any:
        """Flat positions for broadcastable index arrays, bounds-checked."""
        if len(indices) != len(self.shape):
            raise UndefinedBehaviourError(
                f"uses {len(indices)} indices on a rank-{len(self.shape)} buffer"
            )
        position: Any = self.offset
        for axis, (index, size, stride) in enumerate(zip(indices, self.shape, self.strides, strict=True)):
            array = np.asarray(index)
            if array.size and (array.min() < 0 or array.max() >= size):
                bad = array[(array < 0) | (array >= size)].flat[0]
                raise UndefinedBehaviourError(
                    f"accesses index {int(bad)} of dimension {axis} of a {self.describe()} "
                    f"buffer ({self.alloc.description}): out of bounds"
                )
            position = position + array * stride
        positions = np.asarray(position, dtype=np.int64)
        if positions.size and (positions.min() < 0 or positions.max() >= len(self.alloc.data)):
            raise UndefinedBehaviourError(
                f"accesses elements outside {self.alloc.description} "
                f"({len(self.alloc.data)} elements): the view's layout reaches outside its allocation"
            )
        return positions

    def gather(self, indices: Sequence[Any]) -> np.ndarray:
        positions = self.linear_many(indices)
        self.alloc.check_live()
        self.alloc.check_initialized(positions)
        return self.alloc.data[positions]

    def scatter(self, indices: Sequence[Any], values: Any) -> None:
        positions = self.linear_many(indices)
        values = np.asarray(values)
        if values.shape != positions.shape and values.size == positions.size:
            values = values.reshape(positions.shape)
        alloc = self.alloc
        alloc.check_live()
        if not alloc.writable:
            raise UndefinedBehaviourError(f"writes to {alloc.description}, which is read-only")
        alloc.data[positions] = values
        alloc.mark_written(positions)

    def all_indices(self) -> list[np.ndarray]:
        """Index arrays enumerating every element in row-major order."""
        if not self.shape:
            return []
        grids = np.indices(self.shape, dtype=np.int64)
        return [g.reshape(-1) for g in grids]

    def to_array(self) -> np.ndarray:
        """A fresh C-contiguous copy of the elements (all must be initialised)."""
        if not self.shape:
            return self.gather([]).reshape(())
        return self.gather(self.all_indices()).reshape(self.shape)

    def copy(self, description: str) -> Buffer:
        """A new contiguous buffer with the same elements (and the same unwritten ones)."""
        fresh = Buffer.new(self.dtype, self.shape, description)
        indices = self.all_indices() if self.shape else []
        positions = self.linear_many(indices)
        self.alloc.check_live()
        fresh.alloc.data[:] = self.alloc.data[positions].reshape(-1)
        if self.alloc.initialized is None:
            fresh.alloc.initialized = None
        else:
            fresh.alloc.initialized = self.alloc.initialized[positions].reshape(-1).copy()
            if fresh.alloc.initialized.all():
                fresh.alloc.initialized = None
        return fresh

    def copy_into(self, target: Buffer) -> None:
        """Elementwise copy to `target` (same shape), carrying unwritten elements along."""
        if self.shape != target.shape:
            raise UndefinedBehaviourError(
                f"copies a {self.describe()} buffer into a {target.describe()} buffer"
            )
        indices = self.all_indices() if self.shape else []
        source_positions = self.linear_many(indices)
        target_positions = target.linear_many(indices)
        self.alloc.check_live()
        target.alloc.check_live()
        if not target.alloc.writable:
            raise UndefinedBehaviourError(f"writes to {target.alloc.description}, which is read-only")
        target.alloc.data[target_positions] = self.alloc.data[source_positions]
        written = (
            np.ones(np.shape(source_positions), dtype=bool)
            if self.alloc.initialized is None
            else self.alloc.initialized[source_positions]
        )
        if target.alloc.initialized is not None:
            target.alloc.initialized[target_positions] = written
        elif not np.all(written):
            target.alloc.initialized = np.ones(target.alloc.data.shape, dtype=bool)
            target.alloc.initialized[target_positions] = written
