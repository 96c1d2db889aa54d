"""graph-recognize-attention: the decomposed attention ONNX exporters emit becomes graph.attention.

    matmul(q, kT) -> mul by (or div by) a scalar constant -> [add mask] -> softmax(axis = -1) -> matmul(., v)

on rank-4 tensors, q [B, H, Lq, D], kT [B, Hk, D, Lk], v [B, Hk, Lk, Dv] with Hk
equal to H or 1, is graph.attention(q, k, v[, mask]) with `scale` the constant
(or its inverse). kT is usually a graph.transpose of the keys; it is looked
through (the keys' own permutation, with the last two dims swapped, is kept, or
dropped when it is the identity); any other kT is transposed back.

    %kt = graph.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x8x4xf32>) -> tensor<1x2x4x8xf32>
    %s = graph.matmul %q, %kt : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
    %t = graph.div %s, %c2 : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>   // %c2 = 2.0
    %p = graph.softmax %t : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
    %o = graph.matmul %p, %v : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
becomes
    %o = graph.attention %q, %k, %v {scale = 5.000000e-01 : f32} : (...) -> tensor<1x2x8x4xf32>

A softmax feeding a matmul that does not fit (softmax on another axis, a scale
that is not a scalar constant, an intermediate used elsewhere, shapes attention
does not take) stays as it is, with a remark saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects.builtin import FloatAttr, ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.passes.graph.constants import constant_array
from nnopt.support.diagnostics import emit_remark


class NotAttention(Exception):
    """Why a softmax between two matmuls is not attention."""


@dataclass
class AttentionMatch:
    query: SSAValue
    keys_transposed: SSAValue
    value: SSAValue
    mask: SSAValue | None
    scale: float
    replaced: Operation
    """The second matmul, whose result the attention replaces."""
    dead: list[Operation] = field(default_factory=list)
    """The ops between (softmax back to the first matmul), dead once replaced."""


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def _single_use(value: SSAValue, what: str) -> None:
    if not value.has_one_use():
        raise NotAttention(f"the {what} is also used elsewhere")


def _scalar_constant(value: SSAValue) -> float | None:
    array = constant_array(value)
    if array is None or array.size != 1:
        return None
    return float(np.asarray(array).reshape(()))


def _strip_mask(scores: SSAValue, match_ops: list[Operation]) -> tuple[SSAValue, SSAValue | None]:
    """(the scores before an additive mask, the mask) or (scores, None)."""
    add = scores.owner
    if not isinstance(add, graph.AddOp):
        return scores, None
    lhs_is_scores = isinstance(add.lhs.owner, graph.MulOp | graph.DivOp | graph.MatmulOp)
    inner, mask = (add.lhs, add.rhs) if lhs_is_scores else (add.rhs, add.lhs)
    if _shape(inner) != _shape(scores):
        raise NotAttention("the mask add broadcasts the scores")
    _single_use(inner, "scaled score")
    match_ops.append(add)
    return inner, mask


def _strip_scale(scores: SSAValue, match_ops: list[Operation]) -> tuple[SSAValue, float]:
    """(the scores before scaling, the scale); a scale of 1 when there is none."""
    op = scores.owner
    if isinstance(op, graph.MulOp):
        for inner, factor in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            value = _scalar_constant(factor)
            if value is not None and _shape(inner) == _shape(scores):
                match_ops.append(op)
                _single_use(inner, "score matrix")
                return inner, value
        raise NotAttention("the scores are multiplied by a value that is not a scalar constant")
    if isinstance(op, graph.DivOp):
        value = _scalar_constant(op.rhs)
        if value is None or value == 0.0 or _shape(op.lhs) != _shape(scores):
            raise NotAttention("the scores are divided by a value that is not a scalar constant")
        match_ops.append(op)
        _single_use(op.lhs, "score matrix")
        return op.lhs, 1.0 / value
    return scores, 1.0


def match_attention(softmax: graph.SoftmaxOp) -> AttentionMatch | None:
    """The attention around `softmax`, None if it does not feed a matmul (NotAttention if it
    does but does not fit)."""
    users = [use.operation for use in softmax.result.uses]
    second = users[0] if len(users) == 1 else None
    if not isinstance(second, graph.MatmulOp) or second.lhs is not softmax.result:
        return None
    rank = len(_shape(softmax.input))
    if rank != 4:
        raise NotAttention(f"the scores have rank {rank}, attention takes rank 4")
    if softmax.normalized_axis() != rank - 1:
        raise NotAttention(
            f"the softmax is over axis {softmax.normalized_axis()}, not the last axis"
        )
    dead: list[Operation] = [softmax]
    _single_use(softmax.input, "softmax input")
    scores, mask = _strip_mask(softmax.input, dead)
    scores, scale = _strip_scale(scores, dead)
    first = scores.owner
    if not isinstance(first, graph.MatmulOp):
        raise NotAttention("the scores are not a matmul of queries and keys")
    dead.append(first)
    query, keys_t, value = first.lhs, first.rhs, second.rhs
    shapes = [_shape(v) for v in (query, keys_t, value)]
    if any(len(s) != 4 for s in shapes):
        raise NotAttention("queries, keys and values must have rank 4")
    (b, h, _, _), (bk, hk, _, _), (bv, hv, _, _) = shapes
    if not (b == bk == bv and hk == hv and hk in (h, 1)):
        raise NotAttention(
            "queries, keys and values differ in batch or heads "
            f"({b}x{h}, {bk}x{hk}, {bv}x{hv}) beyond what attention shares"
        )
    return AttentionMatch(query, keys_t, value, mask, scale, second, dead)


def _keys(keys_t: SSAValue, builder: Builder) -> SSAValue:
    """The keys [B, H, L, D] behind `keys_t` [B, H, D, L], through a transpose if there is one."""
    source, perm = keys_t, (0, 1, 2, 3)
    owner = keys_t.owner
    if isinstance(owner, graph.TransposeOp):
        source, perm = owner.input, owner.permutation()
    wanted = (perm[0], perm[1], perm[3], perm[2])
    if wanted == (0, 1, 2, 3):
        return source
    transpose = graph.TransposeOp.inferred([source], {"perm": int_array(wanted)})
    builder.insert(transpose)
    transpose.result.name_hint = "keys"
    return transpose.result


def rewrite(match: AttentionMatch) -> graph.AttentionOp:
    builder = Builder(InsertPoint.before(match.replaced))
    keys = _keys(match.keys_transposed, builder)
    optional = [[match.mask] if match.mask is not None else []]
    attention = graph.AttentionOp.inferred(
        [match.query, keys, match.value, *optional], {"scale": FloatAttr(match.scale, f32)}
    )
    attention.location = match.replaced.location
    builder.insert(attention)
    attention.result.name_hint = match.replaced.results[0].name_hint
    match.replaced.results[0].replace_all_uses_with(attention.result)
    inputs = {v for op in match.dead for v in op.operands}
    Rewriter.erase_op(match.replaced)
    for op in match.dead:
        Rewriter.erase_op(op)
    for value in inputs:
        if isinstance(value.owner, graph.TransposeOp | graph.ConstantOp) and not value.uses:
            Rewriter.erase_op(value.owner)
    return attention


@dataclass(frozen=True)
class GraphRecognizeAttention(ModulePass):
    """Replace matmul-scale-mask-softmax-matmul chains by graph.attention."""

    name = "graph-recognize-attention"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for softmax in [o for o in op.walk() if isinstance(o, graph.SoftmaxOp)]:
            try:
                match = match_attention(softmax)
            except NotAttention as reason:
                emit_remark(softmax, f"not attention: {reason}")
                continue
            if match is not None:
                rewrite(match)
