"""Maximum and minimum as arith.maximumf / arith.minimumf define them, on numpy values.

    maximumf(np.float32(-0.0), np.float32(0.0))      # +0.0: -0 orders below +0
    maximumf(np.array([1.0, np.nan]), 0.0)           # [1.0, nan]: NaN propagates
    maximumf_reduce(x, axis=(1, 2), keepdims=True)   # maximumf over axes, from -inf

The C emitted for graph.max, graph.relu, graph.clip, graph.max_pool and
graph.reduce_max computes these (`nn_maximumf`, `nn_minimumf`). numpy's
maximum also propagates NaN but, comparing -0 with +0, returns its second
argument (np.maximum(0.0, -0.0) is -0.0), so the graph semantics and the
reference executor's arith ops use these functions instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def maximumf(a: Any, b: Any) -> Any:
    """NaN-propagating maximum with -0 < +0, elementwise (scalars stay scalars)."""
    result = np.where(a > b, a, np.where(b > a, b, np.where(np.signbit(a), b, a)))
    result = np.where(np.isnan(a) | np.isnan(b), np.nan, result).astype(np.result_type(a))
    return result if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else result[()]


def minimumf(a: Any, b: Any) -> Any:
    """NaN-propagating minimum with -0 < +0, elementwise (scalars stay scalars)."""
    result = np.where(a < b, a, np.where(b < a, b, np.where(np.signbit(a), a, b)))
    result = np.where(np.isnan(a) | np.isnan(b), np.nan, result).astype(np.result_type(a))
    return result if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else result[()]


def maximumf_reduce(x: np.ndarray, axis: int | tuple[int, ...], keepdims: bool = False) -> np.ndarray:
    """maximumf of the elements along `axis`, starting from -inf (as the C's accumulator does).

    NaN if any element is NaN; a maximum of zero is +0 if any of those zeros is +0.
    """
    top = np.max(x, axis=axis, keepdims=keepdims, initial=-np.inf)
    positive_zero = np.any((x == 0) & ~np.signbit(x), axis=axis, keepdims=keepdims)
    return np.where((top == 0) & positive_zero, np.zeros_like(top), top)
