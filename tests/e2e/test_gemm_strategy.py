"""The GEMM strategy (packed, blocked, register-blocked) gives numpy's results:
odd sizes with partial tiles, batched and broadcast operands, transposed layouts,
and every target (NEON and RVV under qemu)."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.runtime.targets import get_target


def matmul_ir(a: tuple[int, ...], b: tuple[int, ...], c: tuple[int, ...]) -> str:
    def t(shape: tuple[int, ...]) -> str:
        return "tensor<" + "x".join(map(str, shape)) + "xf32>"

    return f"""
func.func @mm(%a: {t(a)}, %b: {t(b)}) -> {t(c)} {{
  %c = graph.matmul %a, %b : ({t(a)}, {t(b)}) -> {t(c)}
  func.return %c : {t(c)}
}}"""


@pytest.mark.parametrize(
    ("a", "b"),
    [((100, 70), (70, 90)), ((57, 300), (300, 33)), ((2, 3, 40, 20), (3, 20, 50)), ((1, 31, 17), (17, 64))],
)
def test_gemm_strategy_matches_numpy(a: tuple[int, ...], b: tuple[int, ...], rng: np.random.Generator) -> None:
    c = np.matmul(np.zeros(a), np.zeros(b)).shape
    ir = matmul_ir(a, b, c)
    exe = nnopt.compile(ir)
    assert "b_panel" in exe.source, "the GEMM strategy was not used"
    x = rng.standard_normal(a, dtype=np.float32)
    y = rng.standard_normal(b, dtype=np.float32)
    expected = np.matmul(x.astype(np.float64), y)
    np.testing.assert_allclose(exe(x, y), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(nnopt.compile(ir, pipeline="")(x, y), expected, rtol=1e-4, atol=1e-4)


def test_transposed_operand_layout(rng: np.random.Generator) -> None:
    """C = A^T B written as a linalg contraction over A stored k-major."""
    m, n, k = 45, 70, 66
    ir = f"""
func.func @mm(%a: memref<{k}x{m}xf32>, %b: memref<{k}x{n}xf32>, %c: memref<{m}x{n}xf32>) {{
  linalg.generic {{indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%a, %b : memref<{k}x{m}xf32>, memref<{k}x{n}xf32>) outs(%c : memref<{m}x{n}xf32>) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }}
  func.return
}}"""
    exe = nnopt.compile(ir)
    assert "b_panel" in exe.source
    x = rng.standard_normal((k, m), dtype=np.float32)
    y = rng.standard_normal((k, n), dtype=np.float32)
    out = np.ones((m, n), np.float32)
    exe(x, y, out)
    np.testing.assert_allclose(out, 1 + x.T.astype(np.float64) @ y, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("target", ["x86-avx2", "aarch64-neon", "riscv64-rvv"])
def test_gemm_strategy_on_other_targets(target: str, rng: np.random.Generator) -> None:
    assert not get_target(target).missing_tools(), "run scripts/install-system-deps.sh"
    ir = matmul_ir((39, 48), (48, 50), (39, 50))
    exe = nnopt.compile(ir, target=target)
    assert "b_panel" in exe.source
    x = rng.standard_normal((39, 48), dtype=np.float32)
    y = rng.standard_normal((48, 50), dtype=np.float32)
    np.testing.assert_allclose(exe(x, y), x.astype(np.float64) @ y, rtol=1e-4, atol=1e-4)
