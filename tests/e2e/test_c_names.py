"""SSA names that are C keywords, C types or C library functions the generated code calls
are renamed in the C, so the kernel still compiles and computes the same values."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt

NAMES = """
func.func @f(%free: memref<4xf32>, %expf: memref<4xf32>, %result0: index) -> f32 {
  %memcpy = memref.alloc() : memref<4xf32>
  %fabsf = arith.constant 1.0 : f32
  %int32_t = arith.constant 3 : i32
  affine.for %i = 0 to %result0 {
    %sqrtf = affine.load %free[%i] : memref<4xf32>
    %e = math.exp %sqrtf : f32
    %a = math.absf %e : f32
    %s = math.sqrt %a : f32
    %intptr_t = arith.index_cast %i : index to i32
    %float = arith.addi %intptr_t, %int32_t : i32
    %f = arith.sitofp %float : i32 to f32
    %t = arith.addf %s, %f : f32
    affine.store %t, %memcpy[%i] : memref<4xf32>
    %v = affine.load %memcpy[%i] : memref<4xf32>
    affine.store %v, %expf[%i] : memref<4xf32>
  }
  memref.dealloc %memcpy : memref<4xf32>
  func.return %fabsf : f32
}
"""


@pytest.mark.sanitize
def test_values_named_like_c_types_and_functions() -> None:
    a = np.arange(4, dtype=np.float32)
    compiled = np.zeros(4, np.float32)
    reference = np.zeros(4, np.float32)
    assert nnopt.compile(NAMES, pipeline="")(a, compiled, 4) == 1.0
    assert nnopt.reference.run(NAMES, "f", a, reference, 4) == 1.0
    expected = np.sqrt(np.exp(a)) + np.arange(4) + 3
    np.testing.assert_allclose(compiled, expected, rtol=1e-6)
    np.testing.assert_allclose(reference, expected, rtol=1e-6)
