"""linalg named and generic ops, tensor ops and reshapes in the reference executor,
against numpy, on tensors and on memrefs."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt


def test_named_ops_on_tensors() -> None:
    ir = """
    func.func @f(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> (tensor<3x5xf32>, tensor<5x3xf32>, tensor<3xf32>, tensor<2x3x5xf32>) {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<3x5xf32>
      %z = linalg.fill ins(%zero : f32) outs(%e : tensor<3x5xf32>) -> tensor<3x5xf32>
      %m = linalg.matmul ins(%a, %b : tensor<3x4xf32>, tensor<4x5xf32>) outs(%z : tensor<3x5xf32>) -> tensor<3x5xf32>
      %te = tensor.empty() : tensor<5x3xf32>
      %t = linalg.transpose ins(%m : tensor<3x5xf32>) outs(%te : tensor<5x3xf32>) permutation = [1, 0]
      %re = tensor.empty() : tensor<3xf32>
      %rz = linalg.fill ins(%zero : f32) outs(%re : tensor<3xf32>) -> tensor<3xf32>
      %r = linalg.reduce ins(%m : tensor<3x5xf32>) outs(%rz : tensor<3xf32>) dimensions = [1]
        (%x : f32, %acc : f32) {
          %s = arith.addf %x, %acc : f32
          linalg.yield %s : f32
        }
      %be = tensor.empty() : tensor<2x3x5xf32>
      %bc = linalg.broadcast ins(%m : tensor<3x5xf32>) outs(%be : tensor<2x3x5xf32>) dimensions = [0]
      func.return %m, %t, %r, %bc : tensor<3x5xf32>, tensor<5x3xf32>, tensor<3xf32>, tensor<2x3x5xf32>
    }
    """
    rng = np.random.default_rng(3)
    a = rng.integers(-3, 4, (3, 4)).astype(np.float32)
    b = rng.integers(-3, 4, (4, 5)).astype(np.float32)
    m, t, r, bc = nnopt.reference.run(ir, "f", a, b)
    np.testing.assert_array_equal(m, a @ b)
    np.testing.assert_array_equal(t, (a @ b).T)
    np.testing.assert_array_equal(r, (a @ b).sum(axis=1))
    np.testing.assert_array_equal(bc, np.broadcast_to(a @ b, (2, 3, 5)))


def test_convolution_named_op_on_memrefs() -> None:
    ir = """
    func.func @conv(%x: memref<1x2x5x5xf32>, %w: memref<3x2x3x3xf32>, %y: memref<1x3x3x3xf32>) {
      linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%x, %w : memref<1x2x5x5xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x3x3xf32>)
      func.return
    }
    """
    rng = np.random.default_rng(4)
    x = rng.integers(-3, 4, (1, 2, 5, 5)).astype(np.float32)
    w = rng.integers(-3, 4, (3, 2, 3, 3)).astype(np.float32)
    y = np.ones((1, 3, 3, 3), np.float32)
    nnopt.reference.run(ir, "conv", x, w, y)
    expected = np.ones((1, 3, 3, 3), np.float32)
    for f in range(3):
        for i in range(3):
            for j in range(3):
                expected[0, f, i, j] += np.sum(x[0, :, i : i + 3, j : j + 3] * w[f])
    np.testing.assert_array_equal(y, expected)


def test_generic_reading_its_output_in_place_visits_points_in_order() -> None:
    # a prefix sum over memrefs: out[i] = out[i - 1] + a[i] for i >= 1 needs sequential order
    ir = """
    func.func @prefix(%a: memref<6xf32>, %out: memref<7xf32>) {
      %v = memref.subview %out[1] [6] [1] : memref<7xf32> to memref<6xf32, strided<[1], offset: 1>>
      %p = memref.subview %out[0] [6] [1] : memref<7xf32> to memref<6xf32, strided<[1]>>
      linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                      iterator_types = ["parallel"]}
          ins(%a, %p : memref<6xf32>, memref<6xf32, strided<[1]>>) outs(%v : memref<6xf32, strided<[1], offset: 1>>) {
      ^bb0(%x: f32, %prev: f32, %o: f32):
        %s = arith.addf %x, %prev : f32
        linalg.yield %s : f32
      }
      func.return
    }
    """
    a = np.arange(1, 7, dtype=np.float32)
    out = np.zeros(7, np.float32)
    nnopt.reference.run(ir, "prefix", a, out)
    np.testing.assert_array_equal(out, np.concatenate([[0.0], np.cumsum(a)]))


def test_reshapes_slices_and_tensor_element_ops() -> None:
    ir = """
    func.func @f(%a: tensor<2x6xf32>) -> (tensor<3x4xf32>, tensor<2x2xf32>, tensor<2x6xf32>, f32) {
      %flat = tensor.collapse_shape %a [[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
      %r = tensor.expand_shape %flat [[0, 1]] output_shape [3, 4] : tensor<12xf32> into tensor<3x4xf32>
      %s = tensor.extract_slice %a[0, 1] [2, 2] [1, 2] : tensor<2x6xf32> to tensor<2x2xf32>
      %c0 = arith.constant 0 : index
      %c5 = arith.constant 5 : index
      %x = tensor.extract %a[%c0, %c5] : tensor<2x6xf32>
      %nine = arith.constant 9.0 : f32
      %i = tensor.insert %nine into %a[%c0, %c0] : tensor<2x6xf32>
      func.return %r, %s, %i, %x : tensor<3x4xf32>, tensor<2x2xf32>, tensor<2x6xf32>, f32
    }
    """
    a = np.arange(12, dtype=np.float32).reshape(2, 6)
    r, s, i, x = nnopt.reference.run(ir, "f", a)
    np.testing.assert_array_equal(r, a.reshape(3, 4))
    np.testing.assert_array_equal(s, a[0:2, 1:5:2])
    expected = a.copy()
    expected[0, 0] = 9.0
    np.testing.assert_array_equal(i, expected)
    assert x == 5.0


def test_memref_expand_collapse_and_parallel_loops() -> None:
    ir = """
    func.func @f(%a: memref<2x6xf32>, %o: memref<3x4xf32>) {
      %flat = memref.collapse_shape %a [[0, 1]] : memref<2x6xf32> into memref<12xf32>
      %e = memref.expand_shape %flat [[0, 1]] output_shape [3, 4] : memref<12xf32> into memref<3x4xf32>
      "affine.parallel"() <{lowerBoundsMap = affine_map<() -> (0, 0)>, lowerBoundsGroups = dense<1> : tensor<2xi32>,
                            upperBoundsMap = affine_map<() -> (3, 4)>, upperBoundsGroups = dense<1> : tensor<2xi32>,
                            steps = [1 : i64, 2 : i64], reductions = []}> ({
      ^bb0(%i: index, %j: index):
        %v = affine.load %e[%i, %j] : memref<3x4xf32>
        affine.store %v, %o[%i, %j] : memref<3x4xf32>
        "affine.yield"() : () -> ()
      }) : () -> ()
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %c2 = arith.constant 2 : index
      "scf.parallel"(%c0, %c1, %c3, %c4, %c1, %c2) <{operandSegmentSizes = array<i32: 2, 2, 2, 0>}> ({
      ^bb0(%i: index, %j: index):
        %v = memref.load %e[%i, %j] : memref<3x4xf32>
        %w = arith.negf %v : f32
        memref.store %w, %o[%i, %j] : memref<3x4xf32>
        "scf.reduce"() : () -> ()
      }) : (index, index, index, index, index, index) -> ()
      func.return
    }
    """
    a = np.arange(12, dtype=np.float32).reshape(2, 6)
    o = np.zeros((3, 4), np.float32)
    nnopt.reference.run(ir, "f", a, o)
    expected = a.reshape(3, 4).copy()
    expected[:, 1::2] *= -1
    np.testing.assert_array_equal(o, expected)


def test_transfer_with_permutation_and_broadcast() -> None:
    ir = """
    func.func @f(%a: memref<3x4xf32>, %o: memref<4x3xf32>, %b: memref<2x4xf32>) {
      %c0 = arith.constant 0 : index
      %pad = arith.constant 0.0 : f32
      %t = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<3x4xf32>, vector<4x3xf32>
      vector.transfer_write %t, %o[%c0, %c0] {in_bounds = [true, true]} : vector<4x3xf32>, memref<4x3xf32>
      %r = vector.transfer_read %a[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (0, d1)>} : memref<3x4xf32>, vector<2x4xf32>
      vector.transfer_write %r, %b[%c0, %c0] {in_bounds = [true, true]} : vector<2x4xf32>, memref<2x4xf32>
      func.return
    }
    """
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    o = np.zeros((4, 3), np.float32)
    b = np.zeros((2, 4), np.float32)
    nnopt.reference.run(ir, "f", a, o, b)
    np.testing.assert_array_equal(o, a.T)
    np.testing.assert_array_equal(b, np.broadcast_to(a[0], (2, 4)))


@pytest.mark.parametrize("kind", ["maximumf", "minimumf"])
def test_nan_and_signed_zero_semantics_of_extrema(kind: str) -> None:
    ir = f"""
    func.func @f(%a: memref<4xf32>, %b: memref<4xf32>, %o: memref<4xf32>) {{
      affine.for %i = 0 to 4 {{
        %x = affine.load %a[%i] : memref<4xf32>
        %y = affine.load %b[%i] : memref<4xf32>
        %m = arith.{kind} %x, %y : f32
        affine.store %m, %o[%i] : memref<4xf32>
      }}
      func.return
    }}
    """
    a = np.array([np.nan, 1.0, -0.0, 0.0], np.float32)
    b = np.array([1.0, np.nan, 0.0, -0.0], np.float32)
    reference = np.zeros(4, np.float32)
    compiled = np.zeros(4, np.float32)
    nnopt.reference.run(ir, "f", a, b, reference)
    nnopt.compile(ir, pipeline="")(a, b, compiled)
    assert np.isnan(reference[:2]).all() and np.isnan(compiled[:2]).all()
    expected_sign = kind == "minimumf"
    assert list(np.signbit(reference[2:])) == [expected_sign] * 2
    assert list(np.signbit(compiled[2:])) == [expected_sign] * 2
