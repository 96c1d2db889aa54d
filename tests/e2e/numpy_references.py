"""numpy references of the graph ops whose meaning is more than one numpy call.

Each computes in float64 from the float32 inputs, straight from the ONNX
definition, with no code shared with the compiler.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _pad_spatial(x: np.ndarray, pads: Sequence[int], value: float) -> np.ndarray:
    rank = x.ndim - 2
    widths = [(0, 0), (0, 0)] + [(pads[i], pads[rank + i]) for i in range(rank)]
    return np.pad(x, widths, constant_values=value)


def _windows(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """(kernel offset, the N x C x O1 x ... slice of `x` it reads) for every offset."""
    rank = len(kernel)
    spatial = x.shape[2:]
    outputs = [
        (spatial[i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1 for i in range(rank)
    ]
    slices = []
    for offset in np.ndindex(*kernel):
        index = tuple(
            slice(offset[i] * dilations[i], offset[i] * dilations[i] + strides[i] * (outputs[i] - 1) + 1, strides[i])
            for i in range(rank)
        )
        slices.append((offset, x[(slice(None), slice(None), *index)]))
    return slices


def conv2d_reference(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int,
) -> np.ndarray:
    padded = _pad_spatial(x.astype(np.float64), pads, 0.0)
    filters, per_group = w.shape[:2]
    per_group_filters = filters // group
    parts = []
    for g in range(group):
        channels = padded[:, g * per_group : (g + 1) * per_group]
        weights = w[g * per_group_filters : (g + 1) * per_group_filters].astype(np.float64)
        part = sum(
            np.einsum("nchw,fc->nfhw", window, weights[:, :, kh, kw])
            for (kh, kw), window in _windows(channels, w.shape[2:], strides, dilations)
        )
        parts.append(part)
    out = np.concatenate(parts, axis=1)
    return out if b is None else out + b[None, :, None, None]


def max_pool_reference(
    x: np.ndarray, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int], dilations: Sequence[int]
) -> np.ndarray:
    padded = _pad_spatial(x.astype(np.float64), pads, -np.inf)
    windows = [w for _, w in _windows(padded, kernel, strides, dilations)]
    return np.max(np.stack(windows), axis=0)


def avg_pool_reference(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    count_include_pad: bool,
    dilations: Sequence[int] | None = None,
) -> np.ndarray:
    taps = dilations or (1,) * len(kernel)
    total = sum(w for _, w in _windows(_pad_spatial(x.astype(np.float64), pads, 0.0), kernel, strides, taps))
    if count_include_pad:
        return total / np.prod(kernel)
    inside = _pad_spatial(np.ones_like(x, dtype=np.float64), pads, 0.0)
    count = sum(w for _, w in _windows(inside, kernel, strides, taps))
    return total / count


def softmax_reference(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x.astype(np.float64) - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm_reference(
    x: np.ndarray, scale: np.ndarray, bias: np.ndarray | None, axis: int, epsilon: float
) -> np.ndarray:
    x64 = x.astype(np.float64)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x64.mean(axis=axes, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x64 - mean) / np.sqrt(var + epsilon) * scale
    return y if bias is None else y + bias


def attention_reference(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    scale: float | None = None,
    causal: bool = False,
) -> np.ndarray:
    heads, kv_heads = q.shape[1], k.shape[1]
    k64 = np.repeat(k.astype(np.float64), heads // kv_heads, axis=1)
    v64 = np.repeat(v.astype(np.float64), heads // kv_heads, axis=1)
    if scale is None:
        scale = 1 / math.sqrt(q.shape[-1])
    scores = (q.astype(np.float64) @ np.swapaxes(k64, -1, -2)) * scale
    if mask is not None:
        scores = scores + mask
    lq, lk = scores.shape[-2:]
    if causal:
        hidden = np.arange(lk)[None, :] > np.arange(lq)[:, None] + (lk - lq)
        scores = np.where(hidden, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v64


def batch_norm_reference(
    x: np.ndarray,
    scale: np.ndarray,
    bias: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    epsilon: float,
) -> np.ndarray:
    view = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    normalized = (x.astype(np.float64) - mean.reshape(view)) / np.sqrt(var.reshape(view) + epsilon)
    return normalized * scale.reshape(view) + bias.reshape(view)


def erf_reference(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf)(x)


def gelu_reference(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + erf_reference(x / math.sqrt(2)))
