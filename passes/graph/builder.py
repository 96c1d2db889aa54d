"""Building graph ops from passes: one insertion point, result types inferred.

    b = GraphBuilder.before(conv)           # new ops take conv's location
    w2 = b.reshape(conv.weight, (16, 72))
    t = b.transpose(x, (0, 2, 1, 3))
    k = b.constant(np.eye(4), element_type)
    y = b.matmul(k, t)

Passes that rewrite one graph op into several use it, so that every new op gets
the source location of the op it replaces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.builder import Builder
from xdsl.dialects.builtin import AnyFloat, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.rewriter import InsertPoint

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.passes.graph.constants import constant_op


def shape(value: SSAValue) -> tuple[int, ...]:
    """The static shape of a tensor value."""
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


class GraphBuilder:
    """Inserts graph ops before an anchor op, with the anchor's location."""

    def __init__(self, anchor: Operation) -> None:
        self.anchor = anchor
        self.builder = Builder(InsertPoint.before(anchor))

    @staticmethod
    def before(anchor: Operation) -> GraphBuilder:
        return GraphBuilder(anchor)

    def insert(self, op: Operation) -> SSAValue:
        op.location = self.anchor.location
        self.builder.insert(op)
        return op.results[0]

    def reshape(self, value: SSAValue, target: Sequence[int]) -> SSAValue:
        """`value` viewed with shape `target` (the value itself if it has it)."""
        if shape(value) == tuple(target):
            return value
        element = value.type.element_type  # type: ignore[attr-defined]
        result = TensorType(element, tuple(target))
        return self.insert(graph.ReshapeOp.build(operands=[value], result_types=[result]))

    def transpose(self, value: SSAValue, perm: Sequence[int]) -> SSAValue:
        return self.insert(graph.TransposeOp.inferred([value], {"perm": int_array(perm)}))

    def matmul(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        return self.insert(graph.MatmulOp(lhs, rhs))

    def add(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        return self.insert(graph.AddOp(lhs, rhs))

    def pad(self, value: SSAValue, pads: Sequence[int]) -> SSAValue:
        """graph.pad with zeros; negative pads crop."""
        return self.insert(graph.PadOp.inferred([value], {"pads": int_array(pads)}))

    def im2col(self, value: SSAValue, properties: Mapping[str, Attribute]) -> SSAValue:
        return self.insert(graph.Im2colOp.inferred([value], properties))

    def constant(self, array: np.ndarray, element: AnyFloat) -> SSAValue:
        """graph.constant holding `array` rounded to `element`."""
        op = constant_op(array, TensorType(element, array.shape))
        if op is None:
            raise ValueError(f"no constant of element type {element}")
        return self.insert(op)
