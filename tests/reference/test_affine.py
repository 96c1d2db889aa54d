"""Affine and scf semantics: bounds with several results, conditionals, iter_args,
affine division on negative values, symbols, and in-place memref functions."""

from __future__ import annotations

import numpy as np

import nnopt


def test_floordiv_ceildiv_mod_on_negative_values() -> None:
    ir = """
    func.func @divs(%O: memref<3x20xindex>) {
      affine.for %i = 0 to 20 {
        %q = affine.apply affine_map<(d0) -> ((d0 - 10) floordiv 3)> (%i)
        %c = affine.apply affine_map<(d0) -> ((d0 - 10) ceildiv 3)> (%i)
        %r = affine.apply affine_map<(d0) -> ((d0 - 10) mod 3)> (%i)
        affine.store %q, %O[0, %i] : memref<3x20xindex>
        affine.store %c, %O[1, %i] : memref<3x20xindex>
        affine.store %r, %O[2, %i] : memref<3x20xindex>
      }
      func.return
    }
    """
    out = np.zeros((3, 20), np.intp)
    nnopt.reference.run(ir, "divs", out)
    v = np.arange(20) - 10
    np.testing.assert_array_equal(out, [v // 3, -((-v) // 3), v % 3])


MASKED_WINDOW_SUMS = """
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


def test_iter_args_conditional_and_multi_result_bounds_match_numpy_and_c() -> None:
    a = np.random.default_rng(0).standard_normal(50).astype(np.float32)
    s = np.zeros(50, np.float32)
    nnopt.reference.run(MASKED_WINDOW_SUMS, "masked_window_sums", a, s)
    masked = np.where(np.arange(50) % 2 == 0, a, 0.0)
    expected = [masked[max(0, i - 2) : min(50, i + 3)].sum() for i in range(50)]
    np.testing.assert_allclose(s, expected, rtol=1e-6, atol=1e-6)
    compiled = np.zeros(50, np.float32)
    nnopt.compile(MASKED_WINDOW_SUMS, pipeline="")(a, compiled)
    np.testing.assert_allclose(s, compiled, rtol=1e-6, atol=1e-6)


def test_symbolic_bounds_tiles_and_affine_min_max() -> None:
    ir = """
    func.func @tiled_copy(%A: memref<40xf32>, %B: memref<40xf32>, %n: index) {
      affine.for %t = 0 to %n step 8 {
        %hi = affine.min affine_map<(d0)[s0] -> (d0 + 8, s0)> (%t)[%n]
        %lo = affine.max affine_map<(d0) -> (d0, 1)> (%t)
        affine.for %i = %lo to %hi {
          %v = affine.load %A[%i - 1] : memref<40xf32>
          affine.store %v, %B[%i] : memref<40xf32>
        }
      }
      func.return
    }
    """
    a = np.arange(40, dtype=np.float32)
    b = np.full(40, -1.0, np.float32)
    nnopt.reference.run(ir, "tiled_copy", a, b, 29)
    expected = np.full(40, -1.0, np.float32)
    expected[1:29] = a[0:28]
    np.testing.assert_array_equal(b, expected)


def test_scf_loops_while_and_if() -> None:
    ir = """
    func.func @collatz_steps(%n: i64) -> i64 {
      %c0 = arith.constant 0 : i64
      %c1 = arith.constant 1 : i64
      %c2 = arith.constant 2 : i64
      %c3 = arith.constant 3 : i64
      %r:2 = scf.while (%x = %n, %steps = %c0) : (i64, i64) -> (i64, i64) {
        %more = arith.cmpi ne, %x, %c1 : i64
        scf.condition(%more) %x, %steps : i64, i64
      } do {
      ^bb0(%x: i64, %steps: i64):
        %rem = arith.remsi %x, %c2 : i64
        %odd = arith.cmpi eq, %rem, %c1 : i64
        %next = scf.if %odd -> (i64) {
          %t = arith.muli %x, %c3 : i64
          %u = arith.addi %t, %c1 : i64
          scf.yield %u : i64
        } else {
          %h = arith.divsi %x, %c2 : i64
          scf.yield %h : i64
        }
        %s = arith.addi %steps, %c1 : i64
        scf.yield %next, %s : i64, i64
      }
      func.return %r#1 : i64
    }
    """
    assert nnopt.reference.run(ir, "collatz_steps", 27) == 111


def test_integer_semantics_follow_c() -> None:
    ir = """
    func.func @ints(%a: i32, %b: i32) -> (i32, i32, i32, i32, i8) {
      %q = arith.divsi %a, %b : i32
      %r = arith.remsi %a, %b : i32
      %f = arith.floordivsi %a, %b : i32
      %big = arith.constant 2147483647 : i32
      %wrap = arith.addi %big, %b : i32
      %t = arith.trunci %a : i32 to i8
      func.return %q, %r, %f, %wrap, %t : i32, i32, i32, i32, i8
    }
    """
    q, r, f, wrap, t = nnopt.reference.run(ir, "ints", -7, 2)
    assert (q, r, f) == (-3, -1, -4)
    assert wrap == -2147483647
    assert t == -7
