"""Each convolution strategy on nn-bench's conv shapes, with weights as an argument
and as a constant of the program (where Winograd's weight transform is done at
compile time).

    OMP_NUM_THREADS=1 python benchmarks/conv_strategies_bench.py            # conv a and conv c
    OMP_NUM_THREADS=1 python benchmarks/conv_strategies_bench.py "conv a"

Every program is checked against a float64 reference, then timed in this process:
the best of 7 batches of at least 50 ms of CPU time (with one thread, CPU time is
what a loaded shared machine disturbs least). Ratios are to direct convolution.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

import nnopt
from nnopt.bench.workloads import Workload, default_workloads

STRATEGIES = {
    "auto": None,
    "direct": "default-pipeline{conv-strategy=direct}",
    "im2col": "default-pipeline{conv-strategy=im2col}",
    "winograd2": "default-pipeline{conv-strategy=winograd winograd-tile=2}",
    "winograd4": "default-pipeline{conv-strategy=winograd winograd-tile=4}",
}


def cpu_ms(fn: Callable[[], object], batches: int = 7, seconds: float = 0.05) -> float:
    fn()
    count = 1
    while True:
        start = time.process_time()
        for _ in range(count):
            fn()
        if time.process_time() - start >= seconds:
            break
        count *= 2
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(count):
            fn()
        best = min(best, (time.process_time() - start) / count * 1e3)
    return best


def constant_weights_ir(workload: Workload, weights: np.ndarray) -> str:
    """The workload's conv with its weights as a graph.constant (3x3, pad 1 only)."""
    p = workload.params
    x_t = f"tensor<{p['n']}x{p['c']}x{p['h']}x{p['w']}xf32>"
    w_t = f"tensor<{p['f']}x{p['c']}x3x3xf32>"
    y_t = f"tensor<{p['n']}x{p['f']}x{p['h']}x{p['w']}xf32>"
    literal = weights.astype("<f4").tobytes().hex().upper()
    return (
        f"func.func @conv(%x: {x_t}) -> {y_t} {{\n"
        f'  %w = graph.constant dense<"0x{literal}"> : {w_t}\n'
        f"  %y = graph.conv2d %x, %w {{pads = array<i64: 1, 1, 1, 1>}} : ({x_t}, {w_t}) -> {y_t}\n"
        f"  func.return %y : {y_t}\n}}"
    )


def main(keys: list[str]) -> None:
    workloads = [w for w in default_workloads() if any(w.name.startswith(k) for k in keys or ["conv a", "conv c"])]
    for workload in workloads:
        x, w = workload.inputs()
        expected = workload.reference([x, w])
        scale = float(np.abs(expected).max())
        for weights in ("argument", "constant"):
            ir = workload.graph_ir() if weights == "argument" else constant_weights_ir(workload, w)
            args = [x, w] if weights == "argument" else [x]
            times: dict[str, float] = {}
            for name, pipeline in STRATEGIES.items():
                exe = nnopt.compile(ir, pipeline=pipeline)
                error = float(np.abs(exe(*args) - expected).max()) / scale
                if error > 1e-4:
                    raise SystemExit(f"{workload.name} {name}: max error {error:.1e} of the output scale")
                times[name] = cpu_ms(lambda exe=exe, args=args: exe(*args))
            row = "  ".join(f"{k} {v:7.3f} ms ({times['direct'] / v:4.2f}x)" for k, v in times.items())
            print(f"{workload.name:28s} weights {weights:8s}  {row}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
