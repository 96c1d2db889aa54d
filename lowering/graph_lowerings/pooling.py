"""Pooling -> padded input, a window reduction, and (for averages) a division.

    %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>}
           : (tensor<1x8x16x16xf32>) -> tensor<1x8x7x7xf32>
becomes
    %w = tensor.empty() : tensor<3x3xf32>            (shape-only: the window's loop range)
    %m = linalg.generic {indexing_maps = [
             (n, c, oh, ow, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw),
             (n, c, oh, ow, kh, kw) -> (kh, kw),
             (n, c, oh, ow, kh, kw) -> (n, c, oh, ow)],
           iterator_types = [parallel x 4, reduction x 2]}
           ins(%x, %w) outs(linalg.fill -inf) { maximumf(acc, x) }

Padding is a filled tensor with the input inserted (-inf for max, 0 for average).
avg_pool divides each window sum by its count: the kernel size, or, without
`count_include_pad`, the number of input (non-pad) positions: the product of one
small constant vector per padded spatial dim (window counts along that dim) and
the kernel sizes of the other dims. global_avg_pool is a reduce_mean
over the spatial dims.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects.builtin import AnyFloat, DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.graph_lowerings.reduction import add_body, max_body, reduce_mean
from nnopt.lowering.structured import BodyFn, ScalarBuilder, StructuredBuilder, window_exprs


def _type(value: SSAValue) -> TensorType[Attribute]:
    assert isinstance(value.type, TensorType)
    return value.type


def window_reduction(
    op: graph.WindowPoolOp, s: StructuredBuilder, pad_value: float, body: BodyFn
) -> SSAValue:
    """The reduction of every window of `op`'s input, padded with `pad_value`."""
    kernel, strides, pads, dilations = op.window()
    rank = len(kernel)
    padded = s.pad(op.input, [0, 0, *pads[:rank]], [0, 0, *pads[rank:]], pad_value)
    result_type = _type(op.result)
    element = result_type.element_type
    window = s.empty(TensorType(element, kernel))
    loops = 2 + 2 * rank
    outputs = range(2, 2 + rank)
    windows = range(2 + rank, loops)
    d = AffineExpr.dimension
    maps = [
        AffineMap(loops, 0, (d(0), d(1), *window_exprs(outputs, windows, strides, dilations))),
        AffineMap(loops, 0, tuple(d(w) for w in windows)),
        AffineMap(loops, 0, tuple(d(i) for i in range(2 + rank))),
    ]
    iterators = ["parallel"] * (2 + rank) + ["reduction"] * rank
    init = s.filled(result_type, pad_value)
    return s.generic([padded, window], [init], maps, iterators, body)[0]


@lowers(graph.MaxPoolOp)
def _max_pool(op: graph.MaxPoolOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [window_reduction(op, s, -math.inf, lambda b, v: max_body(b, [v[0], v[2]]))]


def window_counts(
    size: int, kernel: int, stride: int, dilation: int, pad_begin: int, outputs: int
) -> list[float]:
    """How many input (non-pad) positions each (dilated) window along one dim covers."""
    counts: list[float] = []
    for o in range(outputs):
        start = o * stride - pad_begin
        taps = (start + k * dilation for k in range(kernel))
        counts.append(float(sum(1 for position in taps if 0 <= position < size)))
    return counts


@lowers(graph.AvgPoolOp)
def _avg_pool(op: graph.AvgPoolOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    sums = window_reduction(op, s, 0.0, lambda b, v: add_body(b, [v[0], v[2]]))
    kernel, strides, pads, dilations = op.window()
    result_type = _type(op.result)
    if flag(op.count_include_pad) or not any(pads):
        count = float(math.prod(kernel))
        return [s.elementwise([sums], result_type, lambda b, v: [b.divf(v[0], b.like(count, v[0]))])]
    rank = len(kernel)
    in_shape = _type(op.input).get_shape()
    out_shape = result_type.get_shape()
    loops = len(out_shape)
    element = result_type.element_type
    assert isinstance(element, AnyFloat)
    padded_dims = [i for i in range(rank) if pads[i] or pads[rank + i]]
    unpadded = float(math.prod(kernel[i] for i in range(rank) if i not in padded_dims))
    counts: list[SSAValue] = []
    maps = [AffineMap.identity(loops)]
    for i in padded_dims:
        values = window_counts(
            in_shape[2 + i], kernel[i], strides[i], dilations[i], pads[i], out_shape[2 + i]
        )
        vector_type = TensorType(element, [len(values)])
        counts.append(s.constant_tensor(DenseIntOrFPElementsAttr.from_list(vector_type, values)))
        maps.append(AffineMap(loops, 0, (AffineExpr.dimension(2 + i),)))

    def divide(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
        count = v[1]
        for factor in v[2 : 1 + len(padded_dims)]:
            count = b.mulf(count, factor)
        if unpadded != 1.0:
            count = b.mulf(count, b.like(unpadded, count))
        return [b.divf(v[0], count)]

    return [s.elementwise([sums, *counts], result_type, divide, maps=maps)]


@lowers(graph.GlobalAvgPoolOp)
def _global_avg_pool(op: graph.GlobalAvgPoolOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    rank = len(_type(op.input).get_shape())
    return [reduce_mean(s, op.input, range(2, rank), keepdims=True)]
