"""Vectorized and register-blocked kernels give numpy's results on every target.

Each kernel is written at the affine level, compiled with the vector passes and
without any pass, for x86 (AVX-512, AVX2) natively and ARM NEON and RISC-V V
under qemu, and compared with a numpy reference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nnopt
from nnopt.runtime.targets import get_target

TARGETS = ["x86-avx512", "x86-avx2", "aarch64-neon", "riscv64-rvv"]
PIPELINES = ["affine-vectorize", "affine-vectorize,affine-register-block"]


def bias_relu(m: int, n: int) -> str:
    return f"""
func.func @kernel(%A: memref<{m}x{n}xf32>, %B: memref<{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to {m} {{
    affine.for %j = 0 to {n} {{
      %a = affine.load %A[%i, %j] : memref<{m}x{n}xf32>
      %b = affine.load %B[%j] : memref<{n}xf32>
      %s = arith.addf %a, %b : f32
      %r = arith.maximumf %s, %z : f32
      affine.store %r, %C[%i, %j] : memref<{m}x{n}xf32>
    }}
  }}
  func.return
}}"""


def softmax_rows(m: int, n: int) -> str:
    """The pieces of a stable softmax: row max, exp(x - max) with its sum, scaling."""
    return f"""
func.func @kernel(%X: memref<{m}x{n}xf32>, %Y: memref<{m}x{n}xf32>) {{
  %mx = memref.alloc() : memref<{m}xf32>
  %sm = memref.alloc() : memref<{m}xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  affine.for %i = 0 to {m} {{
    affine.store %ninf, %mx[%i] : memref<{m}xf32>
    affine.store %zero, %sm[%i] : memref<{m}xf32>
    affine.for %j = 0 to {n} {{
      %x = affine.load %X[%i, %j] : memref<{m}x{n}xf32>
      %a = affine.load %mx[%i] : memref<{m}xf32>
      %b = arith.maximumf %a, %x : f32
      affine.store %b, %mx[%i] : memref<{m}xf32>
    }}
    affine.for %j = 0 to {n} {{
      %x = affine.load %X[%i, %j] : memref<{m}x{n}xf32>
      %m = affine.load %mx[%i] : memref<{m}xf32>
      %d = arith.subf %x, %m : f32
      %e = math.exp %d : f32
      affine.store %e, %Y[%i, %j] : memref<{m}x{n}xf32>
      %s = affine.load %sm[%i] : memref<{m}xf32>
      %t = arith.addf %s, %e : f32
      affine.store %t, %sm[%i] : memref<{m}xf32>
    }}
    affine.for %j = 0 to {n} {{
      %e = affine.load %Y[%i, %j] : memref<{m}x{n}xf32>
      %s = affine.load %sm[%i] : memref<{m}xf32>
      %q = arith.divf %e, %s : f32
      affine.store %q, %Y[%i, %j] : memref<{m}x{n}xf32>
    }}
  }}
  memref.dealloc %mx : memref<{m}xf32>
  memref.dealloc %sm : memref<{m}xf32>
  func.return
}}"""


def matmul(m: int, n: int, k: int) -> str:
    return f"""
func.func @kernel(%A: memref<{m}x{k}xf32>, %B: memref<{k}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  affine.for %i = 0 to {m} {{
    affine.for %j = 0 to {n} {{
      affine.for %k = 0 to {k} {{
        %a = affine.load %A[%i, %k] : memref<{m}x{k}xf32>
        %b = affine.load %B[%k, %j] : memref<{k}x{n}xf32>
        %c = affine.load %C[%i, %j] : memref<{m}x{n}xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<{m}x{n}xf32>
      }}
    }}
  }}
  func.return
}}"""


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


Case = tuple[str, Callable[[np.random.Generator], list[np.ndarray]], Callable[[list[np.ndarray]], np.ndarray]]

CASES: dict[str, Case] = {
    "bias_relu": (
        bias_relu(5, 45),
        lambda r: [r.standard_normal((5, 45), np.float32), r.standard_normal(45, np.float32), np.zeros((5, 45), np.float32)],
        lambda a: np.maximum(a[0] + a[1], 0),
    ),
    "softmax": (
        softmax_rows(3, 77),
        lambda r: [(r.standard_normal((3, 77)) * 30).astype(np.float32), np.zeros((3, 77), np.float32)],
        lambda a: _softmax(a[0].astype(np.float64)),
    ),
    "matmul": (
        matmul(13, 40, 9),
        lambda r: [r.standard_normal((13, 9), np.float32), r.standard_normal((9, 40), np.float32), np.zeros((13, 40), np.float32)],
        lambda a: a[0].astype(np.float64) @ a[1],
    ),
    # rows shorter than a vector: narrower vectors (13 = 8 + 4 + 1 on AVX-512)
    "softmax_short": (
        softmax_rows(4, 13),
        lambda r: [(r.standard_normal((4, 13)) * 30).astype(np.float32), np.zeros((4, 13), np.float32)],
        lambda a: _softmax(a[0].astype(np.float64)),
    ),
    "matmul_short": (
        matmul(13, 12, 9),
        lambda r: [r.standard_normal((13, 9), np.float32), r.standard_normal((9, 12), np.float32), np.zeros((13, 12), np.float32)],
        lambda a: a[0].astype(np.float64) @ a[1],
    ),
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_vector_pipelines_match_numpy(target: str, case: str) -> None:
    if get_target(target).missing_tools():
        pytest.fail(f"{target} needs {get_target(target).missing_tools()} (scripts/install-system-deps.sh)")
    ir, make_inputs, reference = CASES[case]
    rng = np.random.default_rng(7)
    inputs = make_inputs(rng)
    expected = reference(inputs)
    plain = [a.copy() for a in inputs]
    nnopt.compile(ir, target=target, pipeline="")(*plain)
    np.testing.assert_allclose(plain[-1], expected, rtol=2e-5, atol=1e-5)
    for pipeline in PIPELINES:
        exe = nnopt.compile(ir, target=target, pipeline=pipeline)
        assert "nn_f32x" in exe.source, f"{pipeline} did not vectorize {case} for {target}"
        arrays = [a.copy() for a in inputs]
        exe(*arrays)
        np.testing.assert_allclose(arrays[-1], expected, rtol=2e-5, atol=1e-5)
        np.testing.assert_allclose(arrays[-1], plain[-1], rtol=2e-5, atol=1e-5)


def test_vector_exp_matches_libm_over_its_range() -> None:
    n = 4096
    ir = f"""
func.func @kernel(%X: memref<{n}xf32>, %Y: memref<{n}xf32>) {{
  affine.for %i = 0 to {n} {{
    %x = affine.load %X[%i] : memref<{n}xf32>
    %e = math.exp %x : f32
    affine.store %e, %Y[%i] : memref<{n}xf32>
  }}
  func.return
}}"""
    exe = nnopt.compile(ir, pipeline="affine-vectorize")
    assert "nn_f32x16_exp" in exe.source
    x = np.concatenate([np.linspace(-104, 90, n - 6, dtype=np.float32), np.float32([np.nan, np.inf, -np.inf, 0, -0.0, 88.7])])
    y = np.zeros(n, np.float32)
    exe(x, y)
    with np.errstate(over="ignore"):
        expected = np.exp(x.astype(np.float64)).astype(np.float32)
    finite = np.isfinite(expected) & (expected > 1e-37)
    np.testing.assert_allclose(y[finite], expected[finite], rtol=3e-7)
    assert np.isnan(y[-6]) and y[-5] == np.inf and y[-4] == 0.0 and y[-3] == 1.0 and y[-2] == 1.0
