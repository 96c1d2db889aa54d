"""transpose, reshape, flatten, concat, pad -> generics, tensor reshapes and slices.

    graph.transpose {perm = [1, 0]}   ->  linalg.generic ins(x: (d0, d1) -> (d1, d0)) (copy body)
    graph.reshape / graph.flatten     ->  tensor.collapse_shape to 1-D + tensor.expand_shape
    graph.concat {axis = 1}           ->  tensor.empty + one tensor.insert_slice per operand
    graph.pad                         ->  linalg.fill of the padded tensor + tensor.insert_slice
                                          (negative pads: tensor.extract_slice first)
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import ints, real
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import StructuredBuilder


def _type(value: SSAValue) -> TensorType:
    assert isinstance(value.type, TensorType)
    return value.type


@lowers(graph.TransposeOp)
def _transpose(op: graph.TransposeOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    perm = op.permutation()
    rank = len(perm)
    loop_of_axis = {axis: loop for loop, axis in enumerate(perm)}
    read = AffineMap(rank, 0, tuple(AffineExpr.dimension(loop_of_axis[a]) for a in range(rank)))
    return [s.elementwise([op.input], _type(op.result), lambda b, v: [v[0]], maps=[read])]


@lowers(graph.ReshapeOp, graph.FlattenOp)
def _reshape(op: graph.ReshapeOp | graph.FlattenOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    return [s.reshape(op.input, _type(op.result).get_shape())]


@lowers(graph.ConcatOp)
def _concat(op: graph.ConcatOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    axis = op.normalized_axis()
    result_type = _type(op.result)
    joined = s.empty(result_type)
    offset = 0
    for part in op.inputs:
        offsets = [offset if d == axis else 0 for d in range(len(result_type.get_shape()))]
        joined = s.insert_slice(part, joined, offsets)
        offset += _type(part).get_shape()[axis]
    return [joined]


@lowers(graph.PadOp)
def _pad(op: graph.PadOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    pads = ints(op.pads)
    rank = len(pads) // 2
    return [s.pad(op.input, pads[:rank], pads[rank:], real(op.value))]
