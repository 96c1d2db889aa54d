"""Integer arithmetic wraps around as MLIR defines it, where C's signed overflow would be
undefined (the sanitized run of this file fails if the C relies on undefined behaviour)."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt

WRAP = """
func.func @wrap(%a: memref<4xi32>, %b: memref<4xi32>, %o: memref<3x4xi32>) {
  affine.for %i = 0 to 4 {
    %x = affine.load %a[%i] : memref<4xi32>
    %y = affine.load %b[%i] : memref<4xi32>
    %s = arith.addi %x, %y : i32
    %d = arith.subi %x, %y : i32
    %m = arith.muli %x, %y : i32
    affine.store %s, %o[0, %i] : memref<3x4xi32>
    affine.store %d, %o[1, %i] : memref<3x4xi32>
    affine.store %m, %o[2, %i] : memref<3x4xi32>
  }
  func.return
}
"""

BOOLEANS = """
func.func @bits(%a: i1, %b: i1) -> (i1, i1, i1) {
  %s = arith.addi %a, %b : i1
  %d = arith.subi %a, %b : i1
  %m = arith.muli %a, %b : i1
  func.return %s, %d, %m : i1, i1, i1
}
"""


@pytest.mark.sanitize
def test_signed_overflow_wraps_like_mlir() -> None:
    a = np.array([2**31 - 1, -(2**31), 65536, -7], np.int32)
    b = np.array([1, 1, 65536, 3], np.int32)
    out = np.zeros((3, 4), np.int32)
    nnopt.compile(WRAP, pipeline="")(a, b, out)
    wide_a, wide_b = a.astype(np.int64), b.astype(np.int64)
    expected = np.stack([wide_a + wide_b, wide_a - wide_b, wide_a * wide_b])
    wrapped = ((expected + 2**31) % 2**32 - 2**31).astype(np.int32)
    np.testing.assert_array_equal(out, wrapped)
    reference = np.zeros((3, 4), np.int32)
    nnopt.reference.run(WRAP, "wrap", a, b, reference)
    np.testing.assert_array_equal(reference, wrapped)


@pytest.mark.sanitize
@pytest.mark.parametrize(("a", "b"), [(True, True), (True, False), (False, True), (False, False)])
def test_i1_arithmetic_is_modulo_two(a: bool, b: bool) -> None:
    expected = (a ^ b, a ^ b, a & b)
    assert tuple(bool(v) for v in nnopt.compile(BOOLEANS, pipeline="")(a, b)) == expected
    assert tuple(bool(v) for v in nnopt.reference.run(BOOLEANS, "bits", a, b)) == expected


ROUNDED_DIVISIONS = """
func.func @divisions(%a: memref<6xi32>, %b: memref<6xi32>, %o: memref<4x6xi32>) {
  affine.for %i = 0 to 6 {
    %x = affine.load %a[%i] : memref<6xi32>
    %y = affine.load %b[%i] : memref<6xi32>
    %f = arith.floordivsi %x, %y : i32
    %c = arith.ceildivsi %x, %y : i32
    %t = arith.divsi %x, %y : i32
    %r = arith.remsi %x, %y : i32
    affine.store %f, %o[0, %i] : memref<4x6xi32>
    affine.store %c, %o[1, %i] : memref<4x6xi32>
    affine.store %t, %o[2, %i] : memref<4x6xi32>
    affine.store %r, %o[3, %i] : memref<4x6xi32>
  }
  func.return
}
"""


@pytest.mark.sanitize
def test_rounded_signed_divisions_on_negative_values() -> None:
    a = np.array([7, -7, 7, -7, 0, -1], np.int32)
    b = np.array([2, 2, -2, -2, 3, 3], np.int32)
    out = np.zeros((4, 6), np.int32)
    nnopt.compile(ROUNDED_DIVISIONS, pipeline="")(a, b, out)
    truncated = (np.abs(a) // np.abs(b)) * np.sign(a) * np.sign(b)
    expected = np.stack([a // b, -((-a) // b), truncated, a - b * truncated])
    np.testing.assert_array_equal(out, expected)
    reference = np.zeros((4, 6), np.int32)
    nnopt.reference.run(ROUNDED_DIVISIONS, "divisions", a, b, reference)
    np.testing.assert_array_equal(reference, expected)


I1_CASTS = """
func.func @casts(%b: i1, %x: i32) -> (i32, f32, index, i1) {
  %e = arith.extsi %b : i1 to i32
  %f = arith.sitofp %b : i1 to f32
  %i = arith.index_cast %b : i1 to index
  %t = arith.trunci %x : i32 to i1
  func.return %e, %f, %i, %t : i32, f32, index, i1
}
"""


@pytest.mark.sanitize
@pytest.mark.parametrize(("b", "x"), [(True, 2), (False, 3), (True, -1)])
def test_i1_sign_extends_and_truncation_keeps_the_low_bit(b: bool, x: int) -> None:
    expected = (-int(b), float(-int(b)), -int(b), bool(x & 1))
    for results in (nnopt.compile(I1_CASTS, pipeline="")(b, x), nnopt.reference.run(I1_CASTS, "casts", b, x)):
        assert (int(results[0]), float(results[1]), int(results[2]), bool(results[3])) == expected
