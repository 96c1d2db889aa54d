"""graph.layout: the same tensor in another (blocked) dimension layout.

Layouts are written as in TVM: an upper-case letter is a dimension, a number and
the matching lower-case letter are an inner block of that dimension. "NCHW16c"
is [N, C/16, H, W, 16], element (n, c, h, w) being at [n, c floordiv 16, h, w,
c mod 16]; "OIHW16i16o" is [O/16, I/16, H, W, 16 (of I), 16 (of O)].

    %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
    %w = graph.layout %k {from = "OIHW", to = "OIHW16i16o"} : (tensor<32x32x3x3xf32>) -> tensor<2x2x3x3x16x16xf32>

`source_index` says where an element of the result is read from; the lowering
(in affine expressions) and constant folding (on numpy index arrays) both use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, Self, TypeVar

from xdsl.dialects.builtin import AnyFloat, StringAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import GraphOp, TensorF, shape_of
from nnopt.dialects.shapes import format_shape

_TOKEN = re.compile(r"([A-Z])|(\d+)([a-z])")


@dataclass(frozen=True)
class Layout:
    """A parsed layout: its dims in order, each (axis letter, block factor or None).

    "NCHW16c" -> (("N", None), ("C", None), ("H", None), ("W", None), ("C", 16)):
    a factor marks the inner block of the axis; the outer part is the plain letter.
    """

    text: str
    dims: tuple[tuple[str, int | None], ...]

    @staticmethod
    def parse(text: str) -> Layout:
        dims: list[tuple[str, int | None]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise VerifyException(
                    f"layout '{text}' is malformed at '{text[position:]}' (expected e.g. 'NCHW16c')"
                )
            if match.group(1):
                dims.append((match.group(1), None))
            else:
                dims.append((match.group(3).upper(), int(match.group(2))))
            position = match.end()
        axes = [axis for axis, factor in dims if factor is None]
        blocks = [axis for axis, factor in dims if factor is not None]
        if not axes or len(set(axes)) != len(axes):
            raise VerifyException(f"layout '{text}' must name each dimension once")
        for axis in blocks:
            if axis not in axes or blocks.count(axis) > 1:
                raise VerifyException(
                    f"layout '{text}' blocks dimension '{axis}' more than once or without naming it"
                )
        if any(factor is not None and factor < 1 for _, factor in dims):
            raise VerifyException(f"layout '{text}' has a block factor below 1")
        return Layout(text, tuple(dims))

    def axes(self) -> list[str]:
        return [axis for axis, factor in self.dims if factor is None]

    def factor(self, axis: str) -> int | None:
        return next((f for a, f in self.dims if a == axis and f is not None), None)

    def extents(self, shape: Sequence[int]) -> dict[str, int]:
        """The full size of every axis of a tensor of `shape` in this layout."""
        if len(shape) != len(self.dims):
            raise VerifyException(
                f"layout '{self.text}' has {len(self.dims)} dims, the tensor "
                f"{format_shape(shape)} has {len(shape)}"
            )
        extents: dict[str, int] = {}
        for (axis, factor), size in zip(self.dims, shape, strict=True):
            if factor is None:
                extents[axis] = extents.get(axis, 1) * size
            elif size != factor:
                raise VerifyException(
                    f"dim of block '{factor}{axis.lower()}' has size {size}, expected {factor}"
                )
            else:
                extents[axis] = extents.get(axis, 1) * factor
        return extents

    def shape(self, extents: dict[str, int]) -> tuple[int, ...]:
        """The shape, in this layout, of a tensor whose axes have `extents`."""
        shape: list[int] = []
        for axis, factor in self.dims:
            block = self.factor(axis)
            if factor is not None:
                shape.append(factor)
            elif block is None:
                shape.append(extents[axis])
            elif extents[axis] % block:
                raise VerifyException(
                    f"dimension '{axis}' of size {extents[axis]} is not a multiple of "
                    f"the block {block} of layout '{self.text}'"
                )
            else:
                shape.append(extents[axis] // block)
        return tuple(shape)


class IndexLike(Protocol):
    """What `source_index` computes with: affine expressions or numpy index arrays."""

    def __add__(self, other: Self | int, /) -> Self: ...
    def __mul__(self, other: int, /) -> Self: ...
    def __floordiv__(self, other: int, /) -> Self: ...
    def __mod__(self, other: int, /) -> Self: ...


IndexT = TypeVar("IndexT", bound=IndexLike)


def source_index(source: Layout, target: Layout, index: Sequence[IndexT]) -> list[IndexT]:
    """Where the element at `index` of a `target`-layout tensor is in the `source` one."""
    outer = {axis: index[i] for i, (axis, f) in enumerate(target.dims) if f is None}
    inner = {axis: index[i] for i, (axis, f) in enumerate(target.dims) if f is not None}
    result: list[IndexT] = []
    for axis, factor in source.dims:
        same_block = source.factor(axis) == target.factor(axis)
        if same_block:
            result.append(inner[axis] if factor is not None else outer[axis])
            continue
        target_block = target.factor(axis)
        full = outer[axis] if target_block is None else outer[axis] * target_block + inner[axis]
        block = source.factor(axis)
        if block is None:
            result.append(full)
        elif factor is None:
            result.append(full // block)
        else:
            result.append(full % block)
    return result


@irdl_op_definition
class LayoutOp(GraphOp):
    """The input, laid out as `to` instead of `from` (both layouts of the same dims).

        %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
        %x = graph.layout %b {from = "NCHW16c", to = "NCHW"} : (tensor<1x2x8x8x16xf32>) -> tensor<1x32x8x8xf32>
    """

    name = "graph.layout"

    input = operand_def(TensorF)
    result = result_def(TensorF)
    source_layout = prop_def(StringAttr, prop_name="from")
    target_layout = prop_def(StringAttr, prop_name="to")

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def layouts(self) -> tuple[Layout, Layout]:
        """(from, to), parsed (VerifyException when malformed or not of the same dims)."""
        source = Layout.parse(self.source_layout.data)
        target = Layout.parse(self.target_layout.data)
        if sorted(source.axes()) != sorted(target.axes()):
            raise VerifyException(
                f"layouts '{source.text}' and '{target.text}' do not have the same dimensions"
            )
        return source, target

    def infer_result_type(self) -> TensorType[AnyFloat]:
        source, target = self.layouts()
        extents = source.extents(shape_of(self.input, "input"))
        return TensorType(self.element_type(), target.shape(extents))
