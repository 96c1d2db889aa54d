"""Sliding windows over the spatial dims of N x C x D1..Dk arrays, for convolution and pooling.

    padded = pad_spatial(x, pads=(1, 1, 1, 1), value=0.0)    # [begins..., ends...], ONNX order
    for (kh, kw), view in window_taps(padded, (3, 3), strides=(2, 2), dilations=(1, 1)):
        ...   # view[n, c, oh, ow] = padded[n, c, oh * 2 + kh, ow * 2 + kw]

One view per kernel offset keeps memory at the size of the output, where one
array of all windows would be kernel-size times larger.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np


def pad_spatial(x: np.ndarray, pads: Sequence[int], value: float) -> np.ndarray:
    """`x` with its dims after N and C padded by `pads` ([begins..., ends...]) of `value`."""
    rank = x.ndim - 2
    widths = [(0, 0), (0, 0), *((pads[i], pads[rank + i]) for i in range(rank))]
    return np.pad(x, widths, constant_values=value)


def window_taps(
    padded: np.ndarray, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """For each kernel offset (row-major), the N x C x O1..Ok view of `padded` it reads."""
    rank = len(kernel)
    spatial = padded.shape[2:]
    out = [
        (spatial[i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1 for i in range(rank)
    ]
    taps = []
    for offset in itertools.product(*(range(k) for k in kernel)):
        index = tuple(
            slice(
                offset[i] * dilations[i],
                offset[i] * dilations[i] + strides[i] * (out[i] - 1) + 1,
                strides[i],
            )
            for i in range(rank)
        )
        taps.append((offset, padded[(slice(None), slice(None), *index)]))
    return taps
