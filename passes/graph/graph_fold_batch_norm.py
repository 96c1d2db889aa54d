"""graph-fold-batch-norm: fold inference batch normalization into the convolution before it.

batch_norm(conv2d(x, W, b)) with constant W, b (or none), scale, bias, mean and
var is conv2d(x, W', b') where, per output channel f, with
k[f] = scale[f] / sqrt(var[f] + epsilon):

    W'[f] = W[f] * k[f]        b'[f] = (b[f] - mean[f]) * k[f] + bias[f]

computed in float64 and rounded to the element type.

    %c = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    %y = graph.batch_norm %c, %s, %b, %m, %v : (...) -> tensor<1x4x6x6xf32>
becomes
    %y = graph.conv2d %x, %w2, %b2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>

Declined, with a remark, when a parameter is not a constant or the convolution's
result is also used elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import real
from nnopt.passes.graph.constants import constant_array, constant_op
from nnopt.support.diagnostics import emit_remark


def _erase_if_dead_constant(value: SSAValue) -> None:
    if isinstance(value.owner, graph.ConstantOp) and not value.uses:
        Rewriter.erase_op(value.owner)


class FoldBatchNormIntoConv(RewritePattern):
    """batch_norm(conv2d(...)) with constant parameters -> conv2d with new weights and bias."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.BatchNormOp, rewriter: PatternRewriter) -> None:
        conv = op.input.owner
        if not isinstance(conv, graph.Conv2dOp):
            return
        if not conv.result.has_one_use():
            emit_remark(op, "not folded: the convolution's result has other users")
            return
        named = {
            "weight": conv.weight,
            "scale": op.scale,
            "bias": op.bias,
            "mean": op.mean,
            "var": op.var,
            **({"convolution bias": conv.bias} if conv.bias is not None else {}),
        }
        values = {name: constant_array(value) for name, value in named.items()}
        missing = [name for name, value in values.items() if value is None]
        if missing:
            emit_remark(op, f"not folded: the {', '.join(missing)} of the pair is not a constant")
            return
        arrays = {name: np.asarray(value, dtype=np.float64) for name, value in values.items()}
        factor = arrays["scale"] / np.sqrt(arrays["var"] + real(op.epsilon))
        conv_bias = arrays.get("convolution bias", np.zeros_like(factor))
        weight = arrays["weight"] * factor.reshape(-1, 1, 1, 1)
        bias = (conv_bias - arrays["mean"]) * factor + arrays["bias"]
        weight_type, bias_type = conv.weight.type, op.bias.type
        assert isinstance(weight_type, TensorType) and isinstance(bias_type, TensorType)
        new_weight = constant_op(weight, weight_type)
        new_bias = constant_op(bias, bias_type)
        if new_weight is None or new_bias is None:
            emit_remark(op, f"not folded: no numpy type for {weight_type.element_type}")
            return
        properties = {k: v for k, v in conv.properties.items() if k != "operandSegmentSizes"}
        folded = graph.Conv2dOp.build(
            operands=[conv.input, new_weight.result, [new_bias.result]],
            properties=properties,
            result_types=[op.result.type],
        )
        folded.location = new_weight.location = new_bias.location = conv.location
        new_weight.result.name_hint = conv.weight.name_hint
        new_bias.result.name_hint = op.bias.name_hint
        folded.result.name_hint = op.result.name_hint
        rewriter.replace(op, [new_weight, new_bias, folded], [folded.result])
        old_operands = list(conv.operands)
        rewriter.erase(conv)
        for value in {*old_operands, *named.values()}:
            _erase_if_dead_constant(value)


@dataclass(frozen=True)
class GraphFoldBatchNorm(ModulePass):
    """Fold inference batch_norm into the preceding conv2d's constant weights and bias."""

    name = "graph-fold-batch-norm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([FoldBatchNormIntoConv()]), apply_recursively=False
        ).rewrite_module(op)
