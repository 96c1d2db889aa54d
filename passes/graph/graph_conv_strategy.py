"""graph-conv-strategy: choose how each conv2d is computed, by a documented heuristic.

* 1x1, stride 1, no padding: a matmul on views, no copy:
      y[n] = reshape(w, [F, C]) @ reshape(x, [N, C, H*W])[n]
* small or strided output (OW below two vectors of the target, or stride > 1),
  or few input channels: im2col + matmul (the GEMM strategy then packs and blocks it):
      y = reshape(reshape(w, [F, C*KH*KW]) @ im2col(x), [N, F, OH, OW])
* Winograd F(m x m, 3 x 3) (see winograd.py: im2col tiles, three constant-matrix
  transforms and one batched matmul over the (m+2)^2 tile positions, all GEMMs)
  for a 3x3, stride-1, undilated, ungrouped conv with at least
  WINOGRAD_MIN_CHANNELS input and output channels, when
  - its weights are constant and its output at least WINOGRAD_MIN_OUTPUT on each
    side (the weight transform is then done at compile time): measured (CPU time,
    1 thread) on nn-bench's "conv c" (256->256, 14x14) 2x faster than im2col with
    m = 4, on "conv a" (64->64, 56x56) 1.3x faster than direct;
  - or its weights are computed at run time and its rows wide (as for direct
    below): the weight transform, 4x the weights' size, is then paid at every
    call; "conv a" stays 1.1x faster than direct, "conv c" would be 1.2x slower
    than im2col;
  32 channels break even and 16 lose. These are one-thread measurements
  (benchmarks/conv_strategies_bench.py); with two threads Winograd does not gain
  yet: its GEMMs have fewer rows than two MC blocks, so their parallel row loop
  has one iteration, while direct convolution shares its filters out;
* otherwise (stride 1, wide rows), and every grouped or depthwise conv: direct
  convolution, vectorized along output rows and register-blocked over filters.

`strategy=direct|im2col|winograd|auto` forces a choice for every conv (auto: the
heuristic); `winograd-tile=4|2` is the tile m of every Winograd conv. A conv that
has no Winograd form (strided, dilated, grouped, not 3x3) under strategy=winograd
keeps the heuristic's choice, with a remark. With constant weights, the weight
transform G g G^T is done here, at compile time.
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

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array, integer, ints
from nnopt.passes.graph.builder import GraphBuilder, shape
from nnopt.passes.graph.constants import constant_array
from nnopt.passes.graph.winograd import TILE_SIZES, rewrite_as_winograd, why_not_winograd
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import CompileError, emit_remark

MIN_IM2COL_REDUCTION = 16
"""Below this C*KH*KW a matmul has too little work per output to pay for packing."""

WINOGRAD_MIN_CHANNELS = 64
"""Fewer input or output channels than this: Winograd's transforms cost more than
the multiplications it saves (measured: 32 channels break even, 16 lose)."""

WINOGRAD_MIN_OUTPUT = 14
"""The smallest output side measured to pay for Winograd with constant weights."""


def choose(op: graph.Conv2dOp, lanes: int) -> str:
    """'gemm' (1x1), 'im2col', 'winograd' or 'direct' for one convolution."""
    c, f = shape(op.input)[1], shape(op.weight)[0]
    kh, kw = shape(op.weight)[2:]
    oh, ow = shape(op.result)[2:]
    strides, pads, dilations = list(ints(op.strides)), list(ints(op.pads)), list(ints(op.dilations))
    if integer(op.group) != 1:
        return "direct"
    winograd = min(c, f) >= WINOGRAD_MIN_CHANNELS and why_not_winograd(op) is None
    if winograd and constant_array(op.weight) is not None and min(oh, ow) >= WINOGRAD_MIN_OUTPUT:
        return "winograd"
    if (kh, kw) == (1, 1) and strides == [1, 1] and not any(pads) and dilations == [1, 1]:
        return "gemm"
    if c * kh * kw < MIN_IM2COL_REDUCTION and max(strides) == 1:
        return "direct"
    if max(strides) > 1 or ow < 2 * max(lanes, 1):
        return "im2col"
    if winograd:
        return "winograd"
    return "direct"


def rewrite_as_matmul(op: graph.Conv2dOp, kind: str) -> None:
    b = GraphBuilder.before(op)
    n, c, h, w = shape(op.input)
    f, _, kh, kw = shape(op.weight)
    _, _, oh, ow = shape(op.result)
    weights = b.reshape(op.weight, (f, c * kh * kw))
    if kind == "gemm":
        columns = b.reshape(op.input, (n, c, h * w))
    else:
        properties: dict[str, Attribute] = {
            "kernel_shape": int_array([kh, kw]),
            "strides": op.strides,
            "pads": op.pads,
            "dilations": op.dilations,
        }
        columns = b.im2col(op.input, properties)
    result = b.reshape(b.matmul(weights, columns), (n, f, oh, ow))
    if op.bias is not None:
        result = b.add(result, b.reshape(op.bias, (f, 1, 1)))
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
    """auto (the heuristic), direct, im2col or winograd (for every ungrouped conv)."""
    winograd_tile: int = 4
    """Output tile m of every Winograd F(m x m, 3 x 3) conv (forced or chosen): 4 or 2."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.strategy not in ("auto", "direct", "im2col", "winograd"):
            raise CompileError(
                f"graph-conv-strategy: strategy must be auto, direct, im2col or winograd, not '{self.strategy}'"
            )
        if self.winograd_tile not in TILE_SIZES:
            raise CompileError(f"graph-conv-strategy: winograd-tile must be 2 or 4, not {self.winograd_tile}")
        lanes = get_target(self.target).vector_lanes_f32
        for conv in [o for o in op.walk() if isinstance(o, graph.Conv2dOp)]:
            if isinstance(conv.parent_op(), graph.FusedOp):
                continue  # grouped with its epilogue: lowered as one nest
            kind = choose(conv, lanes)
            if self.strategy == "winograd" and kind not in ("gemm", "winograd"):
                reason = why_not_winograd(conv)
                if reason is None:
                    kind = "winograd"
                else:
                    emit_remark(conv, f"no Winograd form ({reason}): {kind} instead")
            elif self.strategy != "auto" and kind != "gemm" and integer(conv.group) == 1:
                kind = self.strategy
            if kind == "winograd":
                rewrite_as_winograd(conv, self.winograd_tile)
                continue
            if kind == "direct":
                if integer(conv.group) != 1 and self.strategy == "im2col":
                    emit_remark(conv, "kept direct: grouped convolutions have no im2col form here")
                continue
            rewrite_as_matmul(conv, kind)
