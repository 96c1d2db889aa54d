"""How fast the reference executor runs small kernels, next to the compiled C.

    python -m nnopt.reference.benchmark [N ...]

For each size N, runs the N x N x N dense+ReLU program at the graph level and
after lowering to affine loops, with the reference executor and compiled, and
prints the median times and their ratio. Measures, asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

import nnopt
from nnopt.compiler import load_ir
from nnopt.lowering.pipeline import parse_pipeline, run_pass
from nnopt.registry import make_context
from nnopt.tools.nn_demo import dense_relu_ir


def median_seconds(run: Callable[[], object], repeats: int = 5) -> float:
    run()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(n: int) -> list[tuple[str, float, float]]:
    """(level, reference seconds, C seconds) for the n x n x n dense+ReLU program."""
    rng = np.random.default_rng(0)
    x, w = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
    b = rng.standard_normal(n, dtype=np.float32)
    ctx = make_context()
    module = load_ir(dense_relu_ir(n, n, n), ctx)
    compiled = nnopt.compile(module, pipeline="")
    c_time = median_seconds(lambda: compiled(x, w, b), repeats=50)
    graph_program = nnopt.reference.ReferenceProgram(module.clone())
    graph_time = median_seconds(lambda: graph_program("dense_relu", x, w, b))
    run_pass(ctx, module, parse_pipeline("lower-to-affine")[0])
    affine_program = nnopt.reference.ReferenceProgram(module)
    affine_time = median_seconds(lambda: affine_program("dense_relu", x, w, b), repeats=3)
    return [("graph", graph_time, c_time), ("affine", affine_time, c_time)]


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [8, 16, 32]
    print(f"{'N':>4} {'level':>7} {'reference ms':>13} {'C ms':>9} {'ratio':>8}")
    for n in sizes:
        for level, seconds, c_time in measure(n):
            print(f"{n:>4} {level:>7} {seconds * 1e3:>13.2f} {c_time * 1e3:>9.4f} {seconds / c_time:>8.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
