"""How every benchmark here times a call: batches long enough to measure, several samples.

    samples = batched_samples(lambda: exe(x, w, out=y), sample_seconds=0.05, samples=7)
    statistics.median(samples)      # seconds per call

The batch size doubles until one batch of calls takes `sample_seconds` (or
reaches `max_batch` calls); then `samples` batches of that size are timed and
each gives the mean seconds per call of its batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def batched_samples(
    fn: Callable[[], object], sample_seconds: float, samples: int, max_batch: int = 1 << 16
) -> list[float]:
    """`samples` measurements of the seconds per call of `fn` (the caller warms it up)."""
    batch = 1
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        if time.perf_counter() - start >= sample_seconds or batch >= max_batch:
            break
        batch *= 2
    result = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        result.append((time.perf_counter() - start) / batch)
    return result


__all__ = ["batched_samples"]
