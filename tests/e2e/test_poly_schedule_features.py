"""poly-schedule on the affine constructs the SCoP extraction models, end to end.

Each program uses one feature in a way the scheduler can transform: symbolic
sizes (index arguments), multi-result max/min bounds, steps, affine.if with an
else branch, affine.apply of loop indices (also used by a non-affine op),
memref views of one buffer with different shapes, and a tiny triangular
reduction. Compiled to C after poly-schedule (several option sets) and
without it, both runs must agree, and agree with numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nnopt

OPTIONS = ["", "tile-sizes=3", "fuse=maxfuse tile-sizes=2,4 isolate=false", "scheduler=isl tile-sizes=4"]

SYMBOLIC = """
func.func @scaled_copy(%A: memref<40x40xf32>, %B: memref<40x40xf32>, %n: index, %m: index) {
  %two = arith.constant 2.0 : f32
  affine.for %i = 0 to affine_map<()[s0] -> (s0)>()[%n] {
    affine.for %j = 0 to affine_map<()[s0] -> (s0)>()[%m] {
      %v = affine.load %A[%i, %j] : memref<40x40xf32>
      %w = arith.mulf %v, %two : f32
      affine.store %w, %B[%i, %j] : memref<40x40xf32>
    }
  }
  affine.for %i = 1 to affine_map<()[s0] -> (s0)>()[%n] {
    affine.for %j = 0 to affine_map<()[s0] -> (s0)>()[%m] {
      %u = affine.load %B[%i - 1, %j] : memref<40x40xf32>
      %v = affine.load %B[%i, %j] : memref<40x40xf32>
      %s = arith.addf %u, %v : f32
      affine.store %s, %A[%i, %j] : memref<40x40xf32>
    }
  }
  func.return
}
"""


def _symbolic_reference(a: np.ndarray, b: np.ndarray, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = a.copy(), b.copy()
    b[:n, :m] = 2 * a[:n, :m]
    a[1:n, :m] = b[0 : n - 1, :m] + b[1:n, :m]
    return a, b


BOUNDS_STEPS_IF = """
func.func @windows(%A: memref<64xf32>, %B: memref<64x8xf32>, %C: memref<64xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 64 {
    affine.for %k = max affine_map<(d0) -> (0, d0 - 3)>(%i) to min affine_map<(d0) -> (8, d0 + 2)>(%i) {
      %v = affine.load %A[%i] : memref<64xf32>
      affine.if affine_set<(d0, d1) : (d0 - 2 * d1 >= 0)>(%i, %k) {
        affine.store %v, %B[%i, %k] : memref<64x8xf32>
      } else {
        %n = arith.negf %v : f32
        affine.store %n, %B[%i, %k] : memref<64x8xf32>
      }
    }
  }
  affine.for %i = 0 to 64 step 3 {
    %v = affine.load %A[%i] : memref<64xf32>
    %w = affine.load %B[%i, 0] : memref<64x8xf32>
    %s = arith.addf %v, %w : f32
    affine.store %s, %C[%i] : memref<64xf32>
  }
  func.return
}
"""


def _windows_reference(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, c = b.copy(), c.copy()
    for i in range(64):
        for k in range(max(0, i - 3), min(8, i + 2)):
            b[i, k] = a[i] if i - 2 * k >= 0 else -a[i]
    for i in range(0, 64, 3):
        c[i] = a[i] + b[i, 0]
    return b, c


APPLY_AND_VIEWS = """
func.func @apply_and_views(%A: memref<16x16xf32>, %B: memref<256xf32>, %I: memref<16x16xf32>) {
  %flat = memref.collapse_shape %A [[0, 1]] : memref<16x16xf32> into memref<256xf32>
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 16 {
      %p = affine.apply affine_map<(d0, d1) -> (d0 * 16 + d1)>(%i, %j)
      %v = affine.load %flat[%p] : memref<256xf32>
      %pi = arith.index_cast %p : index to i64
      %pf = arith.sitofp %pi : i64 to f32
      %s = arith.addf %v, %pf : f32
      affine.store %s, %B[%p] : memref<256xf32>
      affine.store %pf, %I[%j, %i] : memref<16x16xf32>
    }
  }
  affine.for %i = 0 to 16 {
    affine.for %j = 1 to 16 {
      %u = affine.load %A[%i, %j - 1] : memref<16x16xf32>
      %q = affine.apply affine_map<(d0) -> (d0 floordiv 2)>(%j)
      %w = affine.load %flat[%i * 16 + %q] : memref<256xf32>
      %s = arith.addf %u, %w : f32
      affine.store %s, %A[%i, %j] : memref<16x16xf32>
    }
  }
  func.return
}
"""


def _apply_reference(a: np.ndarray, b: np.ndarray, i_out: np.ndarray) -> tuple[np.ndarray, ...]:
    a, b, i_out = a.copy(), b.copy(), i_out.copy()
    index = np.arange(256, dtype=np.float32).reshape(16, 16)
    b[:] = (a + index).reshape(256)
    i_out[:] = index.T
    for i in range(16):
        for j in range(1, 16):
            a[i, j] = a[i, j - 1] + a[i, j // 2]
    return a, b, i_out


TRIANGULAR = """
func.func @prefix_sums(%A: memref<24xf32>, %S: memref<24xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 24 {
    affine.store %zero, %S[%i] : memref<24xf32>
  }
  affine.for %i = 0 to 24 {
    affine.for %k = 0 to affine_map<(d0) -> (d0 + 1)>(%i) {
      %a = affine.load %A[%k] : memref<24xf32>
      %s = affine.load %S[%i] : memref<24xf32>
      %n = arith.addf %s, %a : f32
      affine.store %n, %S[%i] : memref<24xf32>
    }
  }
  func.return
}
"""

Case = tuple[str, Callable[[np.random.Generator], list[object]], Callable[..., tuple[np.ndarray, ...]], tuple[int, ...]]

CASES: dict[str, Case] = {
    "symbolic sizes": (
        SYMBOLIC,
        lambda rng: [rng.standard_normal((40, 40), dtype=np.float32), np.zeros((40, 40), np.float32), 37, 29],
        _symbolic_reference,
        (0, 1),
    ),
    "max/min bounds, step, if-else": (
        BOUNDS_STEPS_IF,
        lambda rng: [rng.standard_normal(64, dtype=np.float32), np.zeros((64, 8), np.float32), np.zeros(64, np.float32)],
        _windows_reference,
        (1, 2),
    ),
    "affine.apply and views": (
        APPLY_AND_VIEWS,
        lambda rng: [rng.standard_normal((16, 16), dtype=np.float32), np.zeros(256, np.float32), np.zeros((16, 16), np.float32)],
        _apply_reference,
        (0, 1, 2),
    ),
    "triangular reduction": (
        TRIANGULAR,
        lambda rng: [rng.standard_normal(24, dtype=np.float32), np.zeros(24, np.float32)],
        lambda a, s: (np.cumsum(a.astype(np.float64)),),
        (1,),
    ),
}


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("case", list(CASES))
def test_feature_scheduled_like_original(case: str, options: str) -> None:
    text, make_inputs, reference, outputs = CASES[case]
    arguments = make_inputs(np.random.default_rng(11))
    ours = [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]
    base = [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]
    nnopt.compile(text, pipeline=f"poly-schedule{{{options}}}")(*ours)
    nnopt.compile(text, pipeline="")(*base)
    expected = reference(*[a.copy() if isinstance(a, np.ndarray) else a for a in arguments])
    for k, index in enumerate(outputs):
        np.testing.assert_allclose(ours[index], base[index], rtol=2e-5, atol=2e-5)
        np.testing.assert_allclose(ours[index], expected[k], rtol=1e-4, atol=1e-4)
