"""graph.conv2d -> padded input, bias-filled output, one linalg.generic.

    %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
           : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
becomes
    %p = tensor.insert_slice %x into (linalg.fill 0.0 of tensor<1x3x10x10xf32>)[0, 0, 1, 1]
    %o = linalg.generic (bias broadcast: (n, f, oh, ow) -> (f)) -> tensor<1x4x4x4xf32>
    %c = linalg.generic {indexing_maps = [
             (n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw),
             (n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw),
             (n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)],
           iterator_types = [parallel x 4, reduction x 3]}
           ins(%p, %w) outs(%o) { acc + x * w }

With groups, `c` runs over the channels of one group and the input channel is
`(f floordiv (F / group)) * (C / group) + c`: the group of output channel f.

graph.conv2d_nchwc is the same on blocked tensors, over the loops
(n, fb, oh, ow, fi, cb, kh, kw, ci): the output channel within its block, where
the weight and the output are contiguous, is the last parallel loop, the one the
vectorizer takes around the reduction (with output pixels register-blocked):

    x: (n, cb, oh * s + kh * d, ow * s + kw * d, ci)   w: (fb, cb, kh, kw, ci, fi)
    out: (n, fb, oh, ow, fi)                            bias: (fb, fi)
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import integer, ints
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.graph_lowerings.linear import multiply_accumulate
from nnopt.lowering.structured import StructuredBuilder, window_exprs


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def _bias_init(
    s: StructuredBuilder, bias: SSAValue | None, result_type: TensorType, bias_map: AffineMap
) -> SSAValue:
    """The accumulator's start: the bias broadcast through `bias_map`, or zeros."""
    if bias is None:
        return s.filled(result_type, 0.0)
    return s.elementwise([bias], result_type, lambda b, v: [v[0]], maps=[bias_map])


@lowers(graph.Conv2dOp)
def _conv2d(op: graph.Conv2dOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    pads, group = ints(op.pads), integer(op.group)
    filters, channels_per_group = _shape(op.weight)[:2]
    padded = s.pad(op.input, [0, 0, *pads[:2]], [0, 0, *pads[2:]], 0.0)
    init = _bias_init(s, op.bias, result_type, AffineMap(4, 0, (AffineExpr.dimension(1),)))
    d = AffineExpr.dimension
    n, f, c = d(0), d(1), d(4)
    channel = c
    if group > 1:
        channel = (f // (filters // group)) * channels_per_group + c
    spatial = window_exprs((2, 3), (5, 6), ints(op.strides), ints(op.dilations))
    maps = [
        AffineMap(7, 0, (n, channel, *spatial)),
        AffineMap(7, 0, (f, c, d(5), d(6))),
        AffineMap.identity(7).drop_results([False] * 4 + [True] * 3),
    ]
    iterators = ["parallel"] * 4 + ["reduction"] * 3
    return s.generic([padded, op.weight], [init], maps, iterators, multiply_accumulate)


@lowers(graph.Conv2dNchwcOp)
def _conv2d_nchwc(op: graph.Conv2dNchwcOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    pads = ints(op.pads)
    padded = s.pad(op.input, [0, 0, *pads[:2], 0], [0, 0, *pads[2:], 0], 0.0)
    d = AffineExpr.dimension
    n, fb, oh, ow, fi, cb, kh, kw, ci = (d(i) for i in range(9))
    init = _bias_init(s, op.bias, result_type, AffineMap(5, 0, (d(1), d(4))))
    spatial = window_exprs((2, 3), (6, 7), ints(op.strides), ints(op.dilations))
    maps = [
        AffineMap(9, 0, (n, cb, *spatial, ci)),
        AffineMap(9, 0, (fb, cb, kh, kw, ci, fi)),
        AffineMap(9, 0, (n, fb, oh, ow, fi)),
    ]
    iterators = ["parallel"] * 5 + ["reduction"] * 4
    return s.generic([padded, op.weight], [init], maps, iterators, multiply_accumulate)
