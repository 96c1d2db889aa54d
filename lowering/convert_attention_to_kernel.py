"""convert-attention-to-kernel: graph.attention becomes kernel.attention (flash strategy).

    %o = graph.attention %q, %k, %v {causal = true} : (...) -> tensor<1x8x512x64xf32>
becomes
    %e = tensor.empty() : tensor<1x8x512x64xf32>
    %o = kernel.attention ins(%q, %k, %v : ...) outs(%e : ...) {scale = 0.125 : f32, causal = true} -> ...

`kernel.attention` is lowered by the flash-attention strategy (online softmax over
key blocks, no [L, L] score matrix) instead of the decomposed linalg lowering.
Must not apply (remark) when a causal query would see no key at all (Lq > Lk),
which the online softmax cannot express; the decomposed lowering handles it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import tensor
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.dialects.kernel import AttentionOp
from nnopt.support.diagnostics import emit_remark


@dataclass(frozen=True)
class ConvertAttentionToKernel(ModulePass):
    """Turn graph.attention into kernel.attention, lowered by the flash strategy."""

    name = "convert-attention-to-kernel"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for attention in [o for o in op.walk() if isinstance(o, graph.AttentionOp)]:
            q_type, k_type = attention.query.type, attention.key.type
            assert isinstance(q_type, TensorType) and isinstance(k_type, TensorType)
            causal = flag(attention.causal)
            if causal and q_type.get_shape()[2] > k_type.get_shape()[2]:
                emit_remark(attention, "not converted: a causal query would see no key (Lq > Lk)")
                continue
            builder = Builder(InsertPoint.before(attention))
            empty = tensor.EmptyOp([], attention.result.type)
            builder.insert(empty)
            kernel = AttentionOp(
                attention.query, attention.key, attention.value, attention.mask,
                empty.tensor, attention.scale_value(), causal,
            )
            kernel.location = empty.location = attention.location
            builder.insert(kernel)
            kernel.results_[0].name_hint = attention.result.name_hint
            attention.result.replace_all_uses_with(kernel.results_[0])
            Rewriter.erase_op(attention)
