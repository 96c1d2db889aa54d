"""The `graph` dialect: neural-network operators on immutable ranked tensors.

Semantics follow ONNX (and numpy where ONNX follows numpy): elementwise binary
operators broadcast, `graph.matmul` is numpy's matmul. Every op states its result
type, and the verifier checks it against the type the op implies. Operands come
first, then properties in the attribute dictionary (a property equal to its
default may be left out), then the functional type:

    func.func @block(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x64xf32> {
      %c = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
      %r = graph.relu %c : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
      %p = graph.max_pool %r {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
      %f = graph.flatten %p : (tensor<1x4x4x4xf32>) -> tensor<1x64xf32>
      %s = graph.softmax %f : (tensor<1x64xf32>) -> tensor<1x64xf32>
      func.return %s : tensor<1x64xf32>
    }

Shapes must be static; a dynamic dimension is reported by the verifier. The ops
are defined by family in this package's modules; the shared bases are in `base`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation

from nnopt.dialects.graph.attention import AttentionOp
from nnopt.dialects.graph.base import (
    BinaryGraphOp,
    ElementwiseBinaryOp,
    ElementwiseUnaryOp,
    GraphOp,
    static_float_tensor,
)
from nnopt.dialects.graph.convolution import Conv2dNchwcOp, Conv2dOp, Im2colOp
from nnopt.dialects.graph.data_movement import ConcatOp, FlattenOp, PadOp, ReshapeOp, TransposeOp
from nnopt.dialects.graph.elementwise import (
    BINARY_OPS,
    CONVERSION_OPS,
    UNARY_OPS,
    AddOp,
    CastOp,
    ClipOp,
    DivOp,
    ErfOp,
    ExpOp,
    GeluOp,
    LogOp,
    MaxOp,
    MinOp,
    MulOp,
    NegOp,
    PowOp,
    ReluOp,
    RsqrtOp,
    SigmoidOp,
    SqrtOp,
    SubOp,
    TanhOp,
)
from nnopt.dialects.graph.fused import FusedOp, YieldOp
from nnopt.dialects.graph.layout import Layout, LayoutOp
from nnopt.dialects.graph.linear import ConstantOp, GemmOp, MatmulOp
from nnopt.dialects.graph.normalization import BatchNormOp, LayerNormOp, SoftmaxOp
from nnopt.dialects.graph.pooling import AvgPoolOp, GlobalAvgPoolOp, MaxPoolOp, WindowPoolOp
from nnopt.dialects.graph.reduction import ReduceMaxOp, ReduceMeanOp, ReduceOp, ReduceSumOp
from nnopt.dialects.shapes import format_shape

GRAPH_OPS: Sequence[type[IRDLOperation]] = (
    ConstantOp,
    MatmulOp,
    GemmOp,
    *BINARY_OPS,
    *UNARY_OPS,
    *CONVERSION_OPS,
    Conv2dOp,
    MaxPoolOp,
    AvgPoolOp,
    GlobalAvgPoolOp,
    SoftmaxOp,
    LayerNormOp,
    BatchNormOp,
    ReduceSumOp,
    ReduceMeanOp,
    ReduceMaxOp,
    TransposeOp,
    ReshapeOp,
    FlattenOp,
    ConcatOp,
    PadOp,
    AttentionOp,
    FusedOp,
    LayoutOp,
    Conv2dNchwcOp,
    Im2colOp,
)
"""Every graph op; each has a lowering to linalg."""

Graph = Dialect("graph", [*GRAPH_OPS, YieldOp], [])
"""The dialect: the ops above and graph.yield, which ends a graph.fused body."""

__all__ = [
    "GRAPH_OPS",
    "AddOp",
    "AttentionOp",
    "AvgPoolOp",
    "BatchNormOp",
    "BinaryGraphOp",
    "CastOp",
    "ClipOp",
    "ConcatOp",
    "ConstantOp",
    "Conv2dNchwcOp",
    "Conv2dOp",
    "DivOp",
    "ElementwiseBinaryOp",
    "ElementwiseUnaryOp",
    "ErfOp",
    "ExpOp",
    "FlattenOp",
    "FusedOp",
    "GeluOp",
    "GemmOp",
    "GlobalAvgPoolOp",
    "Graph",
    "GraphOp",
    "Im2colOp",
    "LayerNormOp",
    "Layout",
    "LayoutOp",
    "LogOp",
    "MatmulOp",
    "MaxOp",
    "MaxPoolOp",
    "MinOp",
    "MulOp",
    "NegOp",
    "PadOp",
    "PowOp",
    "ReduceMaxOp",
    "ReduceMeanOp",
    "ReduceOp",
    "ReduceSumOp",
    "ReluOp",
    "ReshapeOp",
    "RsqrtOp",
    "SigmoidOp",
    "SoftmaxOp",
    "SqrtOp",
    "SubOp",
    "TanhOp",
    "TransposeOp",
    "WindowPoolOp",
    "YieldOp",
    "format_shape",
    "static_float_tensor",
]
