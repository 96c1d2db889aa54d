"""The C emitter keeps MLIR semantics where C differs: integer division and
remainder round toward minus infinity, maximumf propagates NaN, loop-carried
values and conditionals with results."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt


@pytest.mark.sanitize
def test_floordiv_ceildiv_mod_on_negative_values() -> None:
    exe = nnopt.compile(
        """
        func.func @divs(%O: memref<3x20xf32>) {
          affine.for %i = 0 to 20 {
            %q = affine.apply affine_map<(d0) -> ((d0 - 10) floordiv 3)> (%i)
            %c = affine.apply affine_map<(d0) -> ((d0 - 10) ceildiv 3)> (%i)
            %r = affine.apply affine_map<(d0) -> ((d0 - 10) mod 3)> (%i)
            %qi = arith.index_cast %q : index to i64
            %ci = arith.index_cast %c : index to i64
            %ri = arith.index_cast %r : index to i64
            %qf = arith.sitofp %qi : i64 to f32
            %cf = arith.sitofp %ci : i64 to f32
            %rf = arith.sitofp %ri : i64 to f32
            affine.store %qf, %O[0, %i] : memref<3x20xf32>
            affine.store %cf, %O[1, %i] : memref<3x20xf32>
            affine.store %rf, %O[2, %i] : memref<3x20xf32>
          }
          func.return
        }
        """
    )
    out = np.zeros((3, 20), np.float32)
    exe(out)
    v = np.arange(20) - 10
    np.testing.assert_array_equal(out[0], v // 3)
    np.testing.assert_array_equal(out[1], -((-v) // 3))
    np.testing.assert_array_equal(out[2], v % 3)


@pytest.mark.sanitize
def test_iter_args_conditional_and_multi_result_bounds() -> None:
    exe = nnopt.compile(
        """
        func.func @masked_window_sums(%A: memref<50xf32>, %S: memref<50xf32>) {
          %zero = arith.constant 0.0 : f32
          affine.for %i = 0 to 50 {
            %s = affine.for %j = max affine_map<(d0) -> (0, d0 - 2)>(%i) to min affine_map<(d0) -> (50, d0 + 3)>(%i) iter_args(%acc = %zero) -> (f32) {
              %v = affine.load %A[%j] : memref<50xf32>
              %w = affine.if affine_set<(d0) : (d0 mod 2 == 0)>(%j) -> f32 {
                affine.yield %v : f32
              } else {
                affine.yield %zero : f32
              }
              %n = arith.addf %acc, %w : f32
              affine.yield %n : f32
            }
            affine.store %s, %S[%i] : memref<50xf32>
          }
          func.return
        }
        """
    )
    a = np.random.default_rng(0).standard_normal(50).astype(np.float32)
    s = np.zeros(50, np.float32)
    exe(a, s)
    masked = np.where(np.arange(50) % 2 == 0, a, 0.0)
    expected = [masked[max(0, i - 2) : min(50, i + 3)].sum() for i in range(50)]
    np.testing.assert_allclose(s, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.sanitize
def test_maximumf_propagates_nan_and_orders_signed_zeros() -> None:
    exe = nnopt.compile(
        """
        func.func @mx(%A: memref<4xf32>, %B: memref<4xf32>, %O: memref<4xf32>) {
          affine.for %i = 0 to 4 {
            %a = affine.load %A[%i] : memref<4xf32>
            %b = affine.load %B[%i] : memref<4xf32>
            %m = arith.maximumf %a, %b : f32
            affine.store %m, %O[%i] : memref<4xf32>
          }
          func.return
        }
        """
    )
    a = np.array([np.nan, 1.0, -0.0, 2.0], np.float32)
    b = np.array([1.0, np.nan, 0.0, -3.0], np.float32)
    out = np.zeros(4, np.float32)
    exe(a, b, out)
    assert np.isnan(out[0]) and np.isnan(out[1])
    assert out[2] == 0.0 and not np.signbit(out[2])
    assert out[3] == 2.0
