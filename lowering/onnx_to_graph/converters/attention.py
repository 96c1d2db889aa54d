"""Attention (ai.onnx, opset 23 on) -> graph.attention, or graph ops when scores are read.

    Attention(Q, K, V, mask) {is_causal, scale}       (4-D [B, H, L, D])
        -> graph.attention %q, %k, %v, %mask {causal, scale}
    3-D [B, L, H * D] inputs (q_num_heads, kv_num_heads) are split into heads with
    graph.reshape + graph.transpose, and the output merged back.
    past_key / past_value are joined to K / V with graph.concat (present_key / present_value).

With `softcap` or a requested `qk_matmul_output` the attention is spelled out:

    scores = (Q @ K^T) * scale, softcap * tanh(scores / softcap), + mask, softmax, @ V

and qk_matmul_output is, by `qk_matmul_output_mode`, the scaled products (0),
after the softcap (1), after the mask (2) or the softmax (3).

Masks. A float attn_mask is added to the scores. Everything else says which keys
each query may attend to, as 0 / 1 factors: a boolean attn_mask (graph.cast),
the causal mask and the sliding windows of Attention-25 (query i at position
p = offset + i attends key j <= p, p - left <= j <= p + right), and the padding
of nonpad_kv_seqlen (j < nonpad[b]). The offset is the past length, or
nonpad[b] - Lq per batch. A query row that may attend to no key gives zeros in
ONNX; graph.attention would give NaN. So:

- factors known at import time that leave every row a key become a constant
  0 / -inf bias (or graph.attention's own `causal` flag, when its alignment
  j <= i + Lk - Lq is the one asked for);
- otherwise allowed = product of the factors, the bias is (allowed - 1) * big
  (big = sqrt of the type's largest value: finite, so an empty row softmaxes to
  a uniform row rather than NaN, and far below any score), and the output rows
  are multiplied by max(allowed) over the keys (0 for an empty row).

Runtime factors with per-batch offsets use exact integer arithmetic in floats:
key j is allowed iff C[i, j] + s * n >= 1, computed as clip(C + s * n, 0, 1).
A float attn_mask that is -inf across a whole row is not detectable here: that
row is NaN (ONNX: 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

Factor = SSAValue | np.ndarray
"""0 / 1 (float): which keys each query may attend to; broadcasts to [B, H, Lq, Lk]."""


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


@dataclass(frozen=True)
class Frontier:
    """Key j is allowed for query i iff constant[i, j] + sign * offset >= 1."""

    constant: np.ndarray
    sign: int


def _frontiers(ctx: NodeContext, q_length: int, kv_length: int) -> list[Frontier]:
    """The causal mask and the sliding windows, relative to the query offset."""
    i = np.arange(q_length)[:, None]
    j = np.arange(kv_length)[None, :]
    frontiers: list[Frontier] = []
    if ctx.bool_attr("is_causal"):
        frontiers.append(Frontier(i - j + 1, 1))  # j <= i + offset
    left = ctx.int_attr("left_window_size", -1)
    if left >= 0:
        frontiers.append(Frontier(left - i + j + 1, -1))  # (i + offset) - j <= left
    right = ctx.int_attr("right_window_size", -1)
    if right >= 0:
        frontiers.append(Frontier(right + i - j + 1, 1))  # j - (i + offset) <= right
    return frontiers


def _runtime_factor(ctx: NodeContext, constant: np.ndarray, sign: int, n: SSAValue) -> SSAValue:
    """clip(constant + sign * n, 0, 1) with `n` a [B, 1, 1, 1] tensor of integers."""
    total = ctx.emit(graph.AddOp if sign > 0 else graph.SubOp, [ctx.constant(constant), n])
    bounds = {"min": FloatAttr(0.0, ctx.element_type()), "max": FloatAttr(1.0, ctx.element_type())}
    return ctx.emit(graph.ClipOp, [total], bounds)


def _bool_mask_factor(ctx: NodeContext, kv_length: int) -> Factor:
    """The boolean attn_mask as 0 / 1, padded with 0 (not attended) to Lk keys."""
    tensor = ctx.tensor(3, "attn_mask")
    if isinstance(tensor, np.ndarray):
        short = kv_length - tensor.shape[-1]
        widths = [(0, 0)] * (tensor.ndim - 1) + [(0, max(short, 0))]
        return np.pad(tensor.astype(np.float64), widths)
    mask = ctx.value(3, "attn_mask", ctx.element_type())
    return _pad_keys(ctx, mask, kv_length, 0.0)


def _pad_keys(ctx: NodeContext, mask: SSAValue, kv_length: int, value: float) -> SSAValue:
    """A mask whose last dim is shorter than Lk, padded with `value` (ONNX allows it)."""
    shape = ctx.shape(mask)
    short = kv_length - shape[-1] if shape else 0
    if short <= 0:
        return mask
    pads = [0] * (2 * len(shape))
    pads[-1] = short
    properties = {"pads": int_array(pads), "value": FloatAttr(value, ctx.element_type())}
    return ctx.emit(graph.PadOp, [mask], properties)


@dataclass
class Masking:
    """How the scores are masked: an additive mask, and the rows that keep a key."""

    mask: SSAValue | None = None
    own_causal: bool = False
    """graph.attention's `causal` flag does the causal masking."""
    rows: SSAValue | None = None
    """[..., Lq, 1]: 1 for a query row that attends to some key, 0 for an empty one."""
    additive: SSAValue | None = None
    allowed: SSAValue | None = None
    """With `rows`: the float attn_mask and the 0 / 1 factors that `mask` combines."""

    def exact(self, ctx: NodeContext, scores: SSAValue) -> SSAValue:
        """`scores` + the mask with -inf where a key is not attended (ONNX's mode-2 output)."""
        if self.allowed is None:
            return scores if self.mask is None else ctx.emit(graph.AddOp, [scores, self.mask])
        # log(1) = 0 and log(0) = -inf, exactly.
        biased = ctx.emit(graph.AddOp, [scores, ctx.emit(graph.LogOp, [self.allowed])])
        return biased if self.additive is None else ctx.emit(graph.AddOp, [biased, self.additive])


def _masking(
    ctx: NodeContext,
    q_length: int,
    kv_length: int,
    past_length: int,
    nonpad: SSAValue | None,
    may_use_flag: bool,
) -> Masking:
    element = ctx.element_type()
    dtype = numpy_dtype_of(element)
    additive: SSAValue | None = None
    factors: list[Factor] = []
    if ctx.has_input(3):
        if ctx.is_boolean(3):
            factors.append(_bool_mask_factor(ctx, kv_length))
        else:
            additive = _pad_keys(ctx, ctx.value(3, "attn_mask"), kv_length, -np.inf)
    frontiers = _frontiers(ctx, q_length, kv_length)
    if nonpad is not None:
        # Per batch: offset = n - Lq, and keys j >= n are padding.
        for frontier in frontiers:
            shifted = frontier.constant - frontier.sign * q_length
            factors.append(_runtime_factor(ctx, shifted.astype(dtype), frontier.sign, nonpad))
        padding = -np.arange(kv_length, dtype=dtype)  # j < n  <=>  n - j >= 1
        factors.append(_runtime_factor(ctx, padding, 1, nonpad))
    elif (
        may_use_flag
        and not factors
        and [f.sign for f in frontiers] == [1]
        and ctx.bool_attr("is_causal")
        and past_length == kv_length - q_length
    ):
        return Masking(additive, own_causal=True)
    else:
        factors.extend(
            (frontier.constant + frontier.sign * past_length >= 1).astype(dtype)
            for frontier in frontiers
        )
    if not factors:
        return Masking(additive)
    static = [f for f in factors if isinstance(f, np.ndarray)]
    runtime = [f for f in factors if isinstance(f, SSAValue)]
    allowed_array = np.prod(np.broadcast_arrays(*static), axis=0) if static else None
    if not runtime and allowed_array is not None and allowed_array.any(axis=-1).all():
        bias = ctx.constant(np.where(allowed_array > 0, 0.0, -np.inf).astype(dtype))
        return Masking(bias if additive is None else ctx.emit(graph.AddOp, [additive, bias]))
    allowed: SSAValue | None = None
    for factor in [*runtime, *([] if allowed_array is None else [allowed_array.astype(dtype)])]:
        value = factor if isinstance(factor, SSAValue) else ctx.constant(factor)
        allowed = value if allowed is None else ctx.emit(graph.MulOp, [allowed, value])
    assert allowed is not None
    big = float(np.sqrt(np.finfo(dtype).max))
    shifted = ctx.emit(graph.SubOp, [allowed, ctx.scalar(1.0)])
    bias = ctx.emit(graph.MulOp, [shifted, ctx.scalar(big)])
    last = {"axes": int_array([-1]), "keepdims": IntegerAttr.from_bool(True)}
    rows = ctx.emit(graph.ReduceMaxOp, [allowed], last)
    mask = bias if additive is None else ctx.emit(graph.AddOp, [additive, bias])
    return Masking(mask, rows=rows, additive=additive, allowed=allowed)


def _explicit_attention(
    ctx: NodeContext,
    q: SSAValue,
    k: SSAValue,
    v: SSAValue,
    masking: Masking,
    scale: float,
    softcap: float,
    mode: int,
) -> tuple[SSAValue, SSAValue]:
    """Attention from graph ops; (Y, the scores that qk_matmul_output_mode selects)."""
    batch, heads, q_length, depth = ctx.shape(q)
    _, kv_heads, kv_length, _ = ctx.shape(k)
    v_depth = ctx.shape(v)[3]
    if heads % kv_heads:
        raise ctx.error(f"key/value heads ({kv_heads}) must divide query heads ({heads})")
    if mode not in (0, 1, 2, 3):
        raise ctx.error(f"qk_matmul_output_mode {mode} is not one of 0, 1, 2, 3")
    group = heads // kv_heads
    # Query head h reads key/value head h // group: group the queries by KV head.
    grouped = ctx.reshape(q, (batch, kv_heads, group * q_length, depth))
    keys_t = ctx.emit(graph.TransposeOp, [k], {"perm": int_array((0, 1, 3, 2))})
    products = ctx.emit(graph.MatmulOp, [grouped, keys_t])
    products = ctx.reshape(products, (batch, heads, q_length, kv_length))
    raw = ctx.emit(graph.MulOp, [products, ctx.scalar(scale)])
    scores = raw
    if softcap > 0:
        capped = ctx.emit(graph.TanhOp, [ctx.emit(graph.MulOp, [raw, ctx.scalar(1.0 / softcap)])])
        scores = ctx.emit(graph.MulOp, [capped, ctx.scalar(softcap)])
    biased = scores if masking.mask is None else ctx.emit(graph.AddOp, [scores, masking.mask])
    probabilities = ctx.emit(graph.SoftmaxOp, [biased], {"axis": IntegerAttr(-1, i64)})
    weights = ctx.reshape(probabilities, (batch, kv_heads, group * q_length, kv_length))
    y = ctx.reshape(ctx.emit(graph.MatmulOp, [weights, v]), (batch, heads, q_length, v_depth))
    if mode == 0:
        return y, raw
    if mode == 1:
        return y, scores
    if mode == 2:
        return y, masking.exact(ctx, scores)
    if masking.rows is not None:
        probabilities = ctx.emit(graph.MulOp, [probabilities, masking.rows])
    return y, probabilities


@converts("Attention", versions=(23, 24, 25), attributes=ATTRIBUTES)
def _attention(ctx: NodeContext) -> Sequence[Tensor | None]:
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
        if ctx.has_input(6):
            raise ctx.error("nonpad_kv_seqlen cannot be combined with past_key / past_value")
        past_key, past_value = ctx.value(4, "past_key"), ctx.value(5, "past_value")
        past_length = ctx.shape(past_key)[2]
        joined = {"axis": IntegerAttr(2, i64)}
        k = ctx.emit(graph.ConcatOp, [[past_key, k]], joined)
        v = ctx.emit(graph.ConcatOp, [[past_value, v]], joined)
    batch, _, q_length, depth = ctx.shape(q)
    kv_length = ctx.shape(k)[2]
    nonpad: SSAValue | None = None
    if ctx.has_input(6):
        lengths = ctx.value(6, "nonpad_kv_seqlen", ctx.element_type())
        nonpad = ctx.reshape(lengths, (batch, 1, 1, 1))
    if ctx.has_attr("softmax_precision"):
        wanted = element_type_of(ctx.int_attr("softmax_precision", 0))
        if wanted is None or wanted.bitwidth < ctx.element_type().bitwidth:
            raise ctx.error("softmax_precision lower than the input type is not supported")

    scale = ctx.float_attr("scale", depth**-0.5)
    softcap = ctx.float_attr("softcap", 0.0)
    explicit = softcap > 0 or ctx.wants_output(3)
    masking = _masking(ctx, q_length, kv_length, past_length, nonpad, not explicit)
    scores: SSAValue | None = None
    if explicit:
        mode = ctx.int_attr("qk_matmul_output_mode", 0)
        y, scores = _explicit_attention(ctx, q, k, v, masking, scale, softcap, mode)
    else:
        properties: dict[str, Attribute] = {
            "scale": FloatAttr(scale, ctx.element_type()),
            "causal": IntegerAttr.from_bool(masking.own_causal),
        }
        mask = [masking.mask] if masking.mask is not None else []
        y = ctx.emit(graph.AttentionOp, [q, k, v, mask], properties)
    if masking.rows is not None:
        y = ctx.emit(graph.MulOp, [y, masking.rows])
    if rank == 3:
        y = _merge_heads(ctx, y)
    return [y, k, v, scores]
