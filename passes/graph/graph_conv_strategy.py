"""graph-conv-strategy: choose how each conv2d is computed, by a documented heuristic.

* 1x1, stride 1, no padding: a matmul on views, no copy:
      y[n] = reshape(w, [F, C]) @ reshape(x, [N, C, H*W])[n]
* small or strided output (OW below two vectors of the target, or stride > 1),
  or few input channels: im2col + matmul (the GEMM strategy then packs and blocks it):
      y = reshape(reshape(w, [F, C*KH*KW]) @ im2col(x), [N, F, OH, OW])
* otherwise (stride 1, wide rows), and every grouped or depthwise conv: direct
  convolution, vectorized along output rows and register-blocked over filters.

`strategy=direct|im2col|auto` forces a choice for every conv (auto: the heuristic).
Convolutions already grouped with their epilogue (graph.fused) are left alone.

    %y = graph.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x256x14x14xf32>, tensor<256x256x3x3xf32>) -> tensor<1x256x14x14xf32>
becomes
    %cols = graph.im2col %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (...) -> tensor<1x2304x196xf32>
    %w2 = graph.reshape %w : (tensor<256x256x3x3xf32>) -> tensor<256x2304xf32>
    %m = graph.matmul %w2, %cols : (tensor<256x2304xf32>, tensor<1x2304x196xf32>) -> tensor<1x256x196xf32>
    %y = graph.reshape %m : (tensor<1x256x196xf32>) -> tensor<1x256x14x14xf32>
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array, integer, ints
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import CompileError, emit_remark

MIN_IM2COL_REDUCTION = 16
"""Below this C*KH*KW a matmul has too little work per output to pay for packing."""


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def choose(op: graph.Conv2dOp, lanes: int) -> str:
    """'gemm' (1x1), 'im2col' or 'direct' for one convolution."""
    c = _shape(op.input)[1]
    kh, kw = _shape(op.weight)[2:]
    ow = _shape(op.result)[3]
    strides, pads, dilations = list(ints(op.strides)), list(ints(op.pads)), list(ints(op.dilations))
    if integer(op.group) != 1:
        return "direct"
    if (kh, kw) == (1, 1) and strides == [1, 1] and not any(pads) and dilations == [1, 1]:
        return "gemm"
    if c * kh * kw < MIN_IM2COL_REDUCTION and max(strides) == 1:
        return "direct"
    if max(strides) > 1 or ow < 2 * max(lanes, 1):
        return "im2col"
    return "direct"


def _insert(builder: Builder, op: Operation) -> SSAValue:
    builder.insert(op)
    return op.results[0]


def _reshape(builder: Builder, value: SSAValue, shape: tuple[int, ...]) -> SSAValue:
    element = value.type.element_type  # type: ignore[attr-defined]
    return _insert(builder, graph.ReshapeOp.build(operands=[value], result_types=[TensorType(element, shape)]))


def rewrite_as_matmul(op: graph.Conv2dOp, kind: str) -> None:
    builder = Builder(InsertPoint.before(op))
    n, c, h, w = _shape(op.input)
    f, _, kh, kw = _shape(op.weight)
    _, _, oh, ow = _shape(op.result)
    weights = _reshape(builder, op.weight, (f, c * kh * kw))
    if kind == "gemm":
        columns = _reshape(builder, op.input, (n, c, h * w))
    else:
        properties: dict[str, Attribute] = {
            "kernel_shape": int_array([kh, kw]),
            "strides": op.strides,
            "pads": op.pads,
            "dilations": op.dilations,
        }
        columns = _insert(builder, graph.Im2colOp.inferred([op.input], properties))
    product = _insert(builder, graph.MatmulOp(weights, columns))
    result = _reshape(builder, product, (n, f, oh, ow))
    if op.bias is not None:
        bias = _reshape(builder, op.bias, (f, 1, 1))
        result = _insert(builder, graph.AddOp(result, bias))
    for new in (weights.owner, columns.owner, product.owner, result.owner):
        if isinstance(new, Operation):
            new.location = op.location
    result.name_hint = op.result.name_hint
    op.result.replace_all_uses_with(result)
    Rewriter.erase_op(op)


@dataclass(frozen=True)
class GraphConvStrategy(ModulePass):
    """Choose direct, im2col+GEMM or 1x1-as-GEMM for each conv2d (heuristic or forced)."""

    name = "graph-conv-strategy"

    target: str = "native"
    """Target whose vector width the heuristic uses."""
    strategy: str = "auto"
    """auto (the heuristic), direct or im2col (for every ungrouped conv)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.strategy not in ("auto", "direct", "im2col"):
            raise CompileError(f"graph-conv-strategy: strategy must be auto, direct or im2col, not '{self.strategy}'")
        lanes = get_target(self.target).vector_lanes_f32
        for conv in [o for o in op.walk() if isinstance(o, graph.Conv2dOp)]:
            if isinstance(conv.parent_op(), graph.FusedOp):
                continue  # grouped with its epilogue: lowered as one nest
            kind = choose(conv, lanes)
            if self.strategy != "auto" and kind != "gemm" and integer(conv.group) == 1:
                kind = self.strategy
            if kind == "direct":
                if integer(conv.group) != 1 and self.strategy == "im2col":
                    emit_remark(conv, "kept direct: grouped convolutions have no im2col form here")
                continue
            rewrite_as_matmul(conv, kind)
