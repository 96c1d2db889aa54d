"""The NN kernels compiled for every target give numpy's results: x86 AVX-512 and
AVX2 natively, ARM NEON and RISC-V V under qemu, and portable C. Shapes stay
small: qemu emulates vector code slowly."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.bench.workloads import Workload, attention, conv2d, matmul
from nnopt.runtime.targets import get_target

TARGETS = ["x86-avx512", "x86-avx2", "aarch64-neon", "riscv64-rvv", "generic"]

WORKLOADS: list[Workload] = [
    matmul(37, 45, 33),
    conv2d("conv2d 3x3", 1, 5, 13, 19, 7, 3, 3, 1, 1),
    conv2d("conv2d stride 2", 1, 3, 17, 17, 8, 3, 3, 2, 1),
    conv2d("depthwise 3x3", 1, 6, 12, 20, 6, 3, 3, 1, 1, groups=6),
    attention(1, 2, 23, 16, causal=True),
]


def softmax_ir(rows: int, cols: int) -> str:
    t = f"tensor<{rows}x{cols}xf32>"
    return f"""
func.func @softmax(%x: {t}) -> {t} {{
  %y = graph.softmax %x {{axis = 1 : i64}} : ({t}) -> {t}
  func.return %y : {t}
}}"""


def _require(target: str) -> None:
    missing = get_target(target).missing_tools()
    assert not missing, f"{target} needs {missing}: run scripts/install-system-deps.sh"


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_workload_on_target(target: str, workload: Workload) -> None:
    _require(target)
    inputs = workload.inputs(seed=5)
    result = nnopt.compile(workload.graph_ir(), target=target)(*inputs)
    np.testing.assert_allclose(result, workload.reference(inputs), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("target", TARGETS)
def test_softmax_on_target(target: str) -> None:
    _require(target)
    x = (np.random.default_rng(2).standard_normal((5, 41)) * 20).astype(np.float32)
    result = nnopt.compile(softmax_ir(5, 41), target=target)(x)
    e = np.exp(x.astype(np.float64) - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(result, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-6)
