"""Each convolution strategy (direct, im2col + GEMM, 1x1 as GEMM, Winograd) gives
numpy's results: odd sizes, strides, padding, dilation, bias, batches."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.bench.workloads import conv2d

CASES = [
    conv2d("3x3 pad", 1, 8, 15, 15, 20, 3, 3, 1, 1),
    conv2d("3x3 stride 2", 2, 3, 33, 31, 16, 3, 3, 2, 1),
    conv2d("5x5 no pad", 1, 6, 20, 20, 9, 5, 5, 1, 0),
    conv2d("1x1", 2, 24, 9, 13, 17, 1, 1, 1, 0),
    conv2d("wide rows", 1, 16, 40, 40, 16, 3, 3, 1, 1),
]


@pytest.mark.parametrize("strategy", ["auto", "direct", "im2col", "winograd"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_conv_strategy_matches_numpy(case, strategy: str) -> None:  # type: ignore[no-untyped-def]
    ir = case.graph_ir()
    pipeline = None if strategy == "auto" else f"default-pipeline{{conv-strategy={strategy}}}"
    inputs = case.inputs(seed=3)
    expected = case.reference(inputs)
    out = nnopt.compile(ir, pipeline=pipeline)(*inputs)
    # Winograd F(4x4, 3x3) in float32 is off by about 1e-5 of the output's scale
    atol = 3e-5 * float(np.abs(expected).max()) if strategy == "winograd" else 1e-4
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=max(atol, 1e-4))


def test_dilated_conv_through_im2col(rng: np.random.Generator) -> None:
    ir = """
func.func @f(%x: tensor<1x4x12x12xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x8x8xf32> {
  %y = graph.conv2d %x, %w, %b {dilations = array<i64: 2, 2>} : (tensor<1x4x12x12xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  func.return %y : tensor<1x6x8x8xf32>
}"""
    x = rng.standard_normal((1, 4, 12, 12), dtype=np.float32)
    w = rng.standard_normal((6, 4, 3, 3), dtype=np.float32)
    b = rng.standard_normal(6, dtype=np.float32)
    im2col = nnopt.compile(ir, pipeline="default-pipeline{conv-strategy=im2col}")
    direct = nnopt.compile(ir, pipeline="")
    np.testing.assert_allclose(im2col(x, w, b), direct(x, w, b), rtol=1e-4, atol=1e-4)
