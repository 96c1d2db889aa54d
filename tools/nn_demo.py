"""nn-demo: compile built-in example graphs to C, run them, compare with numpy.

    nn-demo                 # a dense layer (matmul + bias + ReLU) at several sizes,
                            # and causal self-attention on [1, 2, 16, 8]
    nn-demo --show-c        # also print the generated C of the first example

Prints, for each example, the maximum error against numpy and the time per call.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import nnopt
from nnopt.bench.timing import batched_samples
from nnopt.tools.tool_main import run_tool


def dense_relu_ir(m: int, k: int, n: int) -> str:
    """relu(x @ w + b) as graph IR for x: m x k, w: k x n, b: n."""
    return f"""
func.func @dense_relu(%x: tensor<{m}x{k}xf32>, %w: tensor<{k}x{n}xf32>, %b: tensor<{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %y = graph.matmul %x, %w : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %z = graph.add %y, %b : (tensor<{m}x{n}xf32>, tensor<{n}xf32>) -> tensor<{m}x{n}xf32>
  %r = graph.relu %z : (tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  func.return %r : tensor<{m}x{n}xf32>
}}
"""


def dense_relu_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.maximum(x.astype(np.float64) @ w + b, 0.0).astype(np.float32)


def attention_ir(batch: int, heads: int, length: int, depth: int, causal: bool) -> str:
    """Scaled dot-product attention of q, k, v, all [batch, heads, length, depth]."""
    t = f"tensor<{batch}x{heads}x{length}x{depth}xf32>"
    attrs = " {causal = true}" if causal else ""
    return f"""
func.func @attention(%q: {t}, %k: {t}, %v: {t}) -> {t} {{
  %o = graph.attention %q, %k, %v{attrs} : ({t}, {t}, {t}) -> {t}
  func.return %o : {t}
}}
"""


def attention_reference(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool) -> np.ndarray:
    scores = q.astype(np.float64) @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if causal:
        length = scores.shape[-1]
        scores = np.where(np.triu(np.ones((length, length), dtype=bool), 1), -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return (weights @ v).astype(np.float32)


@dataclass
class Example:
    name: str
    ir: str
    inputs: Callable[[np.random.Generator], list[np.ndarray]]
    reference: Callable[..., np.ndarray]


def examples() -> list[Example]:
    def dense(m: int, k: int, n: int) -> Example:
        def inputs(rng: np.random.Generator) -> list[np.ndarray]:
            return [
                rng.standard_normal((m, k), dtype=np.float32),
                rng.standard_normal((k, n), dtype=np.float32),
                rng.standard_normal(n, dtype=np.float32),
            ]

        return Example(f"dense+bias+relu {m}x{k} @ {k}x{n}", dense_relu_ir(m, k, n), inputs, dense_relu_reference)

    def attention(batch: int, heads: int, length: int, depth: int) -> Example:
        shape = (batch, heads, length, depth)

        def inputs(rng: np.random.Generator) -> list[np.ndarray]:
            return [rng.standard_normal(shape, dtype=np.float32) for _ in range(3)]

        return Example(
            f"causal attention {'x'.join(map(str, shape))}",
            attention_ir(batch, heads, length, depth, causal=True),
            inputs,
            functools.partial(attention_reference, causal=True),
        )

    return [dense(4, 8, 16), dense(33, 17, 65), dense(128, 256, 64), attention(1, 2, 16, 8)]


def time_call(fn: Callable[[], object], min_seconds: float = 0.05) -> float:
    """Median seconds per call over repeated batches."""
    fn()
    samples = batched_samples(fn, min_seconds / 5, 5)
    return float(np.median(samples))


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nn-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="native")
    parser.add_argument("--show-c", action="store_true", help="print the generated C of the first example")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    worst = 0.0
    for index, example in enumerate(examples()):
        started = time.perf_counter()
        exe = nnopt.compile(example.ir, target=args.target)
        compile_s = time.perf_counter() - started
        if args.show_c and index == 0:
            print(exe.source)
        inputs = example.inputs(rng)
        result = exe(*inputs)
        assert isinstance(result, np.ndarray)
        expected = example.reference(*inputs)
        error = float(np.max(np.abs(result - expected) / (1.0 + np.abs(expected))))
        worst = max(worst, error)
        ok = np.allclose(result, expected, rtol=1e-5, atol=1e-5)
        seconds = time_call(functools.partial(exe, *inputs))
        print(
            f"{example.name:34s} {'OK ' if ok else 'BAD'} max rel err {error:.2e}  "
            f"compile {compile_s * 1e3:7.1f} ms  run {seconds * 1e6:9.1f} us"
        )
        if index == 0:
            print(f"  result[0, :6] = {np.array2string(result[0, :6], precision=4)}")
        if not ok:
            return 1
    print(f"all examples match numpy (worst relative error {worst:.1e}) on target {args.target}")
    return 0


def main() -> None:
    run_tool("nn-demo", run)


if __name__ == "__main__":
    main()
