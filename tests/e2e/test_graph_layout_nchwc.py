"""graph-layout-nchwc: the blocked program computes what the NCHW one did."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.graph_layout_nchwc import GraphLayoutNchwc
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module
from tests.e2e.graph_programs import dense_literal, normal
from tests.e2e.numpy_references import conv2d_reference

# conv (stride 2, bias) -> relu -> conv (1x1) -> add input of the second conv
# -> max_pool (stays NCHW); then a 3-channel conv, which is not blocked.
PROGRAM = """
func.func @f(%x: tensor<1x16x9x9xf32>, %w1: tensor<32x16x3x3xf32>, %b1: tensor<32xf32>, %w3: tensor<3x32x1x1xf32>) -> (tensor<1x32x2x2xf32>, tensor<1x3x5x5xf32>) {
  %w2 = graph.constant W2
  %c1 = graph.conv2d %x, %w1, %b1 {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x9x9xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x5x5xf32>
  %r1 = graph.relu %c1 : (tensor<1x32x5x5xf32>) -> tensor<1x32x5x5xf32>
  %c2 = graph.conv2d %r1, %w2 : (tensor<1x32x5x5xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x5x5xf32>
  %s = graph.add %c2, %r1 : (tensor<1x32x5x5xf32>, tensor<1x32x5x5xf32>) -> tensor<1x32x5x5xf32>
  %p = graph.max_pool %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x32x5x5xf32>) -> tensor<1x32x2x2xf32>
  %c3 = graph.conv2d %s, %w3 : (tensor<1x32x5x5xf32>, tensor<3x32x1x1xf32>) -> tensor<1x3x5x5xf32>
  func.return %p, %c3 : tensor<1x32x2x2xf32>, tensor<1x3x5x5xf32>
}
"""


def _reference(
    x: np.ndarray, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, w3: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r1 = np.maximum(conv2d_reference(x, w1, b1, (2, 2), (1, 1, 1, 1), (1, 1), 1), 0.0)
    s = conv2d_reference(r1, w2, None, (1, 1), (0, 0, 0, 0), (1, 1), 1) + r1
    pooled = s[:, :, :4, :4].reshape(1, 32, 2, 2, 2, 2).max(axis=(3, 5))
    return pooled, conv2d_reference(s, w3, None, (1, 1), (0, 0, 0, 0), (1, 1), 1)


@pytest.mark.parametrize("block", [8, 16])
def test_blocked_program_matches_nchw_program(block: int, rng: np.random.Generator) -> None:
    x, w1, b1 = normal(rng, 1, 16, 9, 9), normal(rng, 32, 16, 3, 3), normal(rng, 32)
    w2, w3 = normal(rng, 32, 32, 1, 1, scale=0.2), normal(rng, 3, 32, 1, 1)
    ir = PROGRAM.replace("W2", dense_literal(w2))
    passes = f"graph-layout-nchwc{{block={block}}}"

    module = parse_module(make_context(), ir)
    GraphLayoutNchwc(block=block).apply(make_context(), module)
    ops = [op for op in module.walk() if op.dialect_name() == "graph"]
    assert sum(isinstance(op, graph.Conv2dNchwcOp) for op in ops) == 2
    activations = [
        op for op in ops if isinstance(op, graph.LayoutOp) and op.source_layout.data.startswith("NCHW")
    ]
    assert len(activations) == 2  # into the chain once, out of it once

    expected = _reference(x, w1, b1, w2, w3)
    results = [
        nnopt.compile(ir, pipeline=pipeline)(x, w1, b1, w3)
        for pipeline in (passes, f"{passes},graph-constant-fold,default-pipeline", "")
    ]
    for result in results:
        assert isinstance(result, tuple)
        for got, want in zip(result, expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    for got, want in zip(results[0], results[2], strict=True):  # type: ignore[arg-type]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
