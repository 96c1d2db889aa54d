"""graph.attention -> scores, masked scaling, row softmax, weighted sum of values.

    scores[b, h, i, j] = sum_d q[b, h, i, d] * k[b, h floordiv G, j, d]     (G = H / Hkv)
    logits[b, h, i, j] = scores * scale + mask[...]                          (mask broadcast)
                         or -inf where causal and j > i + (Lk - Lq)          (linalg.index, select)
    p                  = softmax of logits along j                           (max, exp-sum, divide)
    out[b, h, i, e]    = sum_j p[b, h, i, j] * v[b, h floordiv G, j, e]

Each line is one linalg.generic (the softmax three); the key/value head of a
query head is `h floordiv G` in the indexing maps, so grouped-query attention
reads shared heads in place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects.builtin import IndexType, TensorType
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.graph_lowerings.linear import multiply_accumulate
from nnopt.lowering.graph_lowerings.normalization import softmax
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def _batched_product(
    s: StructuredBuilder,
    lhs: SSAValue,
    rhs: SSAValue,
    result_type: TensorType[Attribute],
    rhs_exprs: tuple[AffineExpr, ...],
) -> SSAValue:
    """out[b, h, i, j] = sum_r lhs[b, h, i, r] * rhs[rhs_exprs] over loops (b, h, i, j, r)."""
    d = AffineExpr.dimension
    maps = [
        AffineMap(5, 0, (d(0), d(1), d(2), d(4))),
        AffineMap(5, 0, rhs_exprs),
        AffineMap(5, 0, (d(0), d(1), d(2), d(3))),
    ]
    init = s.filled(result_type, 0.0)
    iterators = ["parallel"] * 4 + ["reduction"]
    return s.generic([lhs, rhs], [init], maps, iterators, multiply_accumulate)[0]


@lowers(graph.AttentionOp)
def _attention(op: graph.AttentionOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    batch, heads, lq, _ = _shape(op.query)
    kv_heads, lk, _ = _shape(op.key)[1:]
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    element = result_type.element_type
    d = AffineExpr.dimension
    kv_head = d(1) if kv_heads == heads else d(1) // (heads // kv_heads)
    scores_type = TensorType(element, [batch, heads, lq, lk])
    # loops (b, h, i, j, depth): k is read as k[b, kv_head, j, depth]
    scores = _batched_product(s, op.query, op.key, scores_type, (d(0), kv_head, d(3), d(4)))

    scale, causal = op.scale_value(), flag(op.causal)
    if scale != 1.0 or op.mask is not None or causal:

        def logits(b: ScalarBuilder, v: Sequence[SSAValue]) -> list[SSAValue]:
            value = v[0] if scale == 1.0 else b.mulf(v[0], b.like(scale, v[0]))
            if op.mask is not None:
                value = b.addf(value, v[1])
            if causal:
                last_key = b.addi(b.index(2), b.const(lk - lq, IndexType()))
                hidden = b.cmpi(b.index(3), last_key, "sgt")
                value = b.select(hidden, b.like(-math.inf, value), value)
            return [value]

        inputs = [scores] if op.mask is None else [scores, op.mask]
        scores = s.elementwise(inputs, scores_type, logits)

    weights = softmax(s, scores, axis=3)
    # loops (b, h, i, e, j): v is read as v[b, kv_head, j, e]
    return [_batched_product(s, weights, op.value, result_type, (d(0), kv_head, d(4), d(3)))]
