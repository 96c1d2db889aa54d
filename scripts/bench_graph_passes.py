"""Benchmark of the graph passes: each workload compiled with and without a pass, same run.

    python scripts/bench_graph_passes.py              # 1 thread (OMP_NUM_THREADS=1)
    python scripts/bench_graph_passes.py --threads 2

For every workload it checks that both programs agree, then prints the median time
per call of each and the ratio with / without (below 1: the pass made it faster).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PLAIN = (
    "convert-graph-to-linalg,bufferize,linalg-strategies,convert-linalg-to-affine,"
    "affine-vectorize,affine-register-block"
)
"""The default pipeline without its graph steps."""


def _t(*shape: int) -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f32>"


def dense_relu(n: int) -> str:
    a, b, o = _t(n, n), _t(n), _t(n, n)
    return f"""
func.func @f(%x: {a}, %w: {a}, %b: {b}) -> {o} {{
  %y = graph.matmul %x, %w : ({a}, {a}) -> {o}
  %z = graph.add %y, %b : ({o}, {b}) -> {o}
  %r = graph.relu %z : ({o}) -> {o}
  func.return %r : {o}
}}"""


def conv_relu(c: int, size: int) -> str:
    x, w, b = _t(1, c, size, size), _t(c, c, 3, 3), _t(c)
    return f"""
func.func @f(%x: {x}, %w: {w}, %b: {b}) -> {x} {{
  %y = graph.conv2d %x, %w, %b {{pads = array<i64: 1, 1, 1, 1>}} : ({x}, {w}, {b}) -> {x}
  %r = graph.relu %y : ({x}) -> {x}
  func.return %r : {x}
}}"""


def conv_batch_norm_relu(c: int, size: int, rng: np.random.Generator) -> str:
    x, w, v = _t(1, c, size, size), _t(c, c, 3, 3), _t(c)

    def dense(array: np.ndarray) -> str:
        return f"dense<{np.asarray(array, np.float32).tolist()!r}> : {_t(*array.shape)}"

    stats = [rng.standard_normal(c), rng.standard_normal(c), rng.standard_normal(c), rng.uniform(0.5, 2, c)]
    constants = "\n".join(f"  %p{i} = graph.constant {dense(s)}" for i, s in enumerate(stats))
    return f"""
func.func @f(%x: {x}, %w: {w}) -> {x} {{
{constants}
  %y = graph.conv2d %x, %w {{pads = array<i64: 1, 1, 1, 1>}} : ({x}, {w}) -> {x}
  %n = graph.batch_norm %y, %p0, %p1, %p2, %p3 : ({x}, {v}, {v}, {v}, {v}) -> {x}
  %r = graph.relu %n : ({x}) -> {x}
  func.return %r : {x}
}}"""


def decomposed_attention(heads: int, length: int, depth: int) -> str:
    q, kt, s = _t(1, heads, length, depth), _t(1, heads, depth, length), _t(1, heads, length, length)
    return f"""
func.func @f(%q: {q}, %k: {q}, %v: {q}) -> {q} {{
  %kt = graph.transpose %k {{perm = array<i64: 0, 1, 3, 2>}} : ({q}) -> {kt}
  %s = graph.matmul %q, %kt : ({q}, {kt}) -> {s}
  %c = graph.constant dense<{depth ** 0.5}> : tensor<f32>
  %t = graph.div %s, %c : ({s}, tensor<f32>) -> {s}
  %p = graph.softmax %t : ({s}) -> {s}
  %o = graph.matmul %p, %v : ({s}, {q}) -> {q}
  func.return %o : {q}
}}"""


@dataclass
class Workload:
    name: str
    ir: str
    shapes: list[tuple[int, ...]]
    baseline: str
    variant: str


def workloads(rng: np.random.Generator) -> list[Workload]:
    fused = "default-pipeline{fuse-epilogue=true}"
    return [
        Workload("dense+bias+relu 64, epilogue fusion", dense_relu(64), [(64, 64), (64, 64), (64,)], "default-pipeline", fused),
        Workload("dense+bias+relu 256, epilogue fusion", dense_relu(256), [(256, 256), (256, 256), (256,)], "default-pipeline", fused),
        Workload("conv3x3 32ch 28x28 + relu, epilogue fusion", conv_relu(32, 28), [(1, 32, 28, 28), (32, 32, 3, 3), (32,)], "default-pipeline", fused),
        Workload("conv3x3 32ch 28x28 + relu, NCHW16c", conv_relu(32, 28), [(1, 32, 28, 28), (32, 32, 3, 3), (32,)], "default-pipeline", "graph-layout-nchwc,default-pipeline"),
        Workload("conv+batch_norm+relu 32ch 28x28, BN folding", conv_batch_norm_relu(32, 28, rng), [(1, 32, 28, 28), (32, 32, 3, 3)], PLAIN, "default-pipeline"),
        Workload("attention 4 heads L=128 d=64, recognition", decomposed_attention(4, 128, 64), [(1, 4, 128, 64)] * 3, "default-pipeline", "graph-recognize-attention,default-pipeline"),
    ]


def median_seconds(fn: Callable[[], object], min_seconds: float = 0.05, samples: int = 7) -> float:
    """Median seconds per call over batches of at least `min_seconds`."""
    from nnopt.bench.timing import batched_samples

    fn()
    times = batched_samples(fn, min_seconds, samples)
    return float(np.median(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import nnopt  # after OMP_NUM_THREADS is set

    rng = np.random.default_rng(0)
    print(f"{'workload':48s} {'without':>11s} {'with':>11s} {'with/without':>12s}")
    for workload in workloads(rng):
        inputs = [rng.standard_normal(s).astype(np.float32) for s in workload.shapes]
        base = nnopt.compile(workload.ir, pipeline=workload.baseline)
        variant = nnopt.compile(workload.ir, pipeline=workload.variant)
        expected, got = base(*inputs), variant(*inputs)
        assert isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)
        if not np.allclose(got, expected, rtol=1e-3, atol=1e-3):
            print(f"{workload.name}: results differ", file=sys.stderr)
            return 1
        without = median_seconds(functools.partial(base, *inputs))
        with_ = median_seconds(functools.partial(variant, *inputs))
        print(f"{workload.name:48s} {without * 1e3:8.3f} ms {with_ * 1e3:8.3f} ms {with_ / without:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
