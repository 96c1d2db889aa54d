"""Attention (ai.onnx, opset 23 on) -> graph.attention, or graph ops when scores are read.

    Attention(Q, K, V, mask) {is_causal, scale}       (4-D [B, H, L, D])
        -> graph.attention %q, %k, %v, %mask {causal, scale}
    3-D [B, L, H * D] inputs (q_num_heads, kv_num_heads) are split into heads with
    graph.reshape + graph.transpose, and the output merged back.
    past_key / past_value are joined to K / V with graph.concat (present_key / present_value).

The causal mask is bottom-right aligned to the KV cache: query i attends key j
<= i + past length. When that is graph.attention's own alignment (j <= i + Lk - Lq)
its `causal` flag is used; otherwise the mask is a constant 0 / -inf bias, as are
the sliding windows of Attention-25 and a constant boolean mask. With `softcap`
or a requested `qk_matmul_output`, the attention is spelled out with
graph.matmul, graph.softmax and elementwise ops:

    scores = (Q @ K^T) * scale, softcap * tanh(scores / softcap), + mask, softmax, @ V

A query row with no attended key is NaN in graph.attention (ONNX gives 0): a
constant mask that leaves such a row is reported; a runtime float mask that is
-inf across a whole row is not detectable here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, i64
from xdsl.ir import Attribute, SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.onnx_to_graph.node_context import NodeContext, Tensor
from nnopt.lowering.onnx_to_graph.registry import converts
from nnopt.lowering.onnx_to_graph.tensors import element_type_of, numpy_dtype_of

ATTRIBUTES = (
    "is_causal",
    "kv_num_heads",
    "q_num_heads",
    "qk_matmul_output_mode",
    "scale",
    "softcap",
    "softmax_precision",
    "left_window_size",
    "right_window_size",
)

HEADS_FIRST = (0, 2, 1, 3)


def _split_heads(ctx: NodeContext, x: SSAValue, heads: int, what: str) -> SSAValue:
    """[B, L, H * D] -> [B, H, L, D]."""
    batch, length, hidden = ctx.shape(x)
    if heads < 1 or hidden % heads:
        raise ctx.error(f"{what} hidden size {hidden} is not a multiple of {heads} heads")
    split = ctx.reshape(x, (batch, length, heads, hidden // heads))
    return ctx.emit(graph.TransposeOp, [split], {"perm": int_array(HEADS_FIRST)})


def _merge_heads(ctx: NodeContext, y: SSAValue) -> SSAValue:
    """[B, H, L, D] -> [B, L, H * D]."""
    batch, heads, length, depth = ctx.shape(y)
    moved = ctx.emit(graph.TransposeOp, [y], {"perm": int_array(HEADS_FIRST)})
    return ctx.reshape(moved, (batch, length, heads * depth))


def _window_bias(
    ctx: NodeContext, q_length: int, kv_length: int, offset: int, causal: bool
) -> np.ndarray | None:
    """The constant [Lq, Lk] 0 / -inf bias of the causal mask and the windows, if any."""
    left = ctx.int_attr("left_window_size", -1)
    right = ctx.int_attr("right_window_size", -1)
    if not causal and left < 0 and right < 0:
        return None
    position = np.arange(q_length)[:, None] + offset
    keys = np.arange(kv_length)[None, :]
    allowed = np.ones((q_length, kv_length), dtype=bool)
    if causal:
        allowed &= keys <= position
    if left >= 0:
        allowed &= position - keys <= left
    if right >= 0:
        allowed &= keys - position <= right
    empty = np.flatnonzero(~allowed.any(axis=1))
    if empty.size:
        raise ctx.error(
            f"the causal mask / attention window leaves query rows {empty.tolist()} with no "
            "key to attend to (ONNX defines a zero output there; not supported)"
        )
    return np.where(allowed, 0.0, -np.inf)


def _mask(ctx: NodeContext, kv_length: int) -> SSAValue | None:
    """The additive float mask (a boolean one must be static), padded to Lk with -inf."""
    if not ctx.has_input(3):
        return None
    mask: Tensor = ctx.tensor(3, "attn_mask")
    element = ctx.element_type()
    if isinstance(mask, np.ndarray):
        if mask.dtype == np.bool_:
            mask = np.where(mask, 0.0, -np.inf)
        short = kv_length - mask.shape[-1]
        if short > 0:
            widths = [(0, 0)] * (mask.ndim - 1) + [(0, short)]
            mask = np.pad(mask, widths, constant_values=-np.inf)
        return ctx.constant(mask.astype(numpy_dtype_of(element)), element)
    shape = ctx.shape(mask)
    short = kv_length - shape[-1]
    if short > 0:
        pads = [0] * (2 * len(shape))
        pads[-1] = short
        properties = {"pads": int_array(pads), "value": FloatAttr(-np.inf, element)}
        mask = ctx.emit(graph.PadOp, [mask], properties)
    return mask


def _explicit_attention(
    ctx: NodeContext,
    q: SSAValue,
    k: SSAValue,
    v: SSAValue,
    mask: SSAValue | None,
    scale: float,
    softcap: float,
    mode: int,
) -> tuple[SSAValue, SSAValue]:
    """Attention from graph ops; (Y, the scores selected by qk_matmul_output_mode)."""
    batch, heads, q_length, depth = ctx.shape(q)
    _, kv_heads, kv_length, _ = ctx.shape(k)
    v_depth = ctx.shape(v)[3]
    if heads % kv_heads:
        raise ctx.error(f"key/value heads ({kv_heads}) must divide query heads ({heads})")
    group = heads // kv_heads
    # Query head h reads key/value head h // group: group the queries by KV head.
    grouped = ctx.reshape(q, (batch, kv_heads, group * q_length, depth))
    keys_t = ctx.emit(graph.TransposeOp, [k], {"perm": int_array((0, 1, 3, 2))})
    scores = ctx.emit(graph.MatmulOp, [grouped, keys_t])
    scores = ctx.reshape(scores, (batch, heads, q_length, kv_length))
    scores = ctx.emit(graph.MulOp, [scores, ctx.scalar(scale)])
    if softcap > 0:
        capped = ctx.emit(graph.TanhOp, [ctx.emit(graph.MulOp, [scores, ctx.scalar(1.0 / softcap)])])
        scores = ctx.emit(graph.MulOp, [capped, ctx.scalar(softcap)])
    biased = scores if mask is None else ctx.emit(graph.AddOp, [scores, mask])
    probabilities = ctx.emit(graph.SoftmaxOp, [biased], {"axis": IntegerAttr(-1, i64)})
    weights = ctx.reshape(probabilities, (batch, kv_heads, group * q_length, kv_length))
    y = ctx.emit(graph.MatmulOp, [weights, v])
    y = ctx.reshape(y, (batch, heads, q_length, v_depth))
    selected = {0: scores, 1: scores, 2: biased, 3: probabilities}
    if mode not in selected:
        raise ctx.error(f"qk_matmul_output_mode {mode} is not one of 0, 1, 2, 3")
    return y, selected[mode]


@converts("Attention", versions=(23, 24, 25), attributes=ATTRIBUTES)
def _attention(ctx: NodeContext) -> Sequence[Tensor | None]:
    if ctx.has_input(6):
        raise ctx.error("the nonpad_kv_seqlen input (an external KV cache) is not supported")
    q, k, v = ctx.value(0, "Q"), ctx.value(1, "K"), ctx.value(2, "V")
    rank = len(ctx.shape(q))
    if rank not in (3, 4) or len(ctx.shape(k)) != rank or len(ctx.shape(v)) != rank:
        raise ctx.error(
            f"Q, K and V must all be 3-D or all 4-D, got {[list(ctx.shape(t)) for t in (q, k, v)]}"
        )
    if rank == 3:
        if not (ctx.has_attr("q_num_heads") and ctx.has_attr("kv_num_heads")):
            raise ctx.error("3-D inputs need the q_num_heads and kv_num_heads attributes")
        q = _split_heads(ctx, q, ctx.int_attr("q_num_heads", 1), "Q")
        k = _split_heads(ctx, k, ctx.int_attr("kv_num_heads", 1), "K")
        v = _split_heads(ctx, v, ctx.int_attr("kv_num_heads", 1), "V")
    if ctx.has_input(4) != ctx.has_input(5):
        raise ctx.error("past_key and past_value must be given together")
    past_length = 0
    if ctx.has_input(4):
        past_key, past_value = ctx.value(4, "past_key"), ctx.value(5, "past_value")
        past_length = ctx.shape(past_key)[2]
        joined = {"axis": IntegerAttr(2, i64)}
        k = ctx.emit(graph.ConcatOp, [[past_key, k]], joined)
        v = ctx.emit(graph.ConcatOp, [[past_value, v]], joined)
    q_length, depth = ctx.shape(q)[2], ctx.shape(q)[3]
    kv_length = ctx.shape(k)[2]
    precision = ctx.attr("softmax_precision")
    if precision is not None and element_type_of(int(precision)) != ctx.element_type():
        raise ctx.error("softmax_precision other than the input type is not supported")

    scale = ctx.float_attr("scale", depth**-0.5)
    softcap = ctx.float_attr("softcap", 0.0)
    causal = ctx.bool_attr("is_causal")
    explicit = softcap > 0 or ctx.wants_output(3)
    own_causal = (
        causal
        and not explicit
        and past_length == kv_length - q_length
        and ctx.int_attr("left_window_size", -1) < 0
        and ctx.int_attr("right_window_size", -1) < 0
    )
    mask = _mask(ctx, kv_length)
    bias = None if own_causal else _window_bias(ctx, q_length, kv_length, past_length, causal)
    if bias is not None:
        bias_value = ctx.constant(bias.astype(numpy_dtype_of(ctx.element_type())))
        mask = bias_value if mask is None else ctx.emit(graph.AddOp, [mask, bias_value])

    scores: SSAValue | None = None
    if explicit:
        mode = ctx.int_attr("qk_matmul_output_mode", 0)
        y, scores = _explicit_attention(ctx, q, k, v, mask, scale, softcap, mode)
    else:
        properties: dict[str, Attribute] = {
            "scale": FloatAttr(scale, ctx.element_type()),
            "causal": IntegerAttr.from_bool(own_causal),
        }
        y = ctx.emit(graph.AttentionOp, [q, k, v, [mask] if mask is not None else []], properties)
    if rank == 3:
        y = _merge_heads(ctx, y)
    return [y, k, v, scores]
