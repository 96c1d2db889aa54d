"""Memory semantics: strided views, vectors and masks, and the undefined behaviour
the reference executor reports instead of computing numbers."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.reference import UndefinedBehaviourError, UnsupportedOpError


def test_subview_strides_and_offsets_alias_the_source() -> None:
    ir = """
    func.func @fill_block(%A: memref<6x8xf32>) {
      %one = arith.constant 1.0 : f32
      %v = memref.subview %A[1, 2] [2, 3] [2, 1] : memref<6x8xf32> to memref<2x3xf32, strided<[16, 1], offset: 10>>
      affine.for %i = 0 to 2 {
        affine.for %j = 0 to 3 {
          affine.store %one, %v[%i, %j] : memref<2x3xf32, strided<[16, 1], offset: 10>>
        }
      }
      func.return
    }
    """
    a = np.zeros((6, 8), np.float32)
    nnopt.reference.run(ir, "fill_block", a)
    expected = np.zeros((6, 8), np.float32)
    expected[1:4:2, 2:5] = 1.0
    np.testing.assert_array_equal(a, expected)


def test_a_view_type_that_disagrees_with_its_operands_is_reported() -> None:
    ir = """
    func.func @bad_view(%A: memref<6x8xf32>) {
      %v = memref.subview %A[1, 2] [2, 3] [1, 1] : memref<6x8xf32> to memref<2x3xf32, strided<[8, 1], offset: 11>>
      func.return
    }
    """
    with pytest.raises(nnopt.reference.ExecutionError, match=r"offset 10 .* says offset 11"):
        nnopt.reference.run(ir, "bad_view", np.zeros((6, 8), np.float32))


def test_vector_loads_masks_transfers_and_reductions() -> None:
    ir = """
    func.func @vectors(%A: memref<2x10xf32>, %S: memref<4xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c8 = arith.constant 8 : index
      %pad = arith.constant -1.0 : f32
      %v = vector.load %A[%c1, %c0] : memref<2x10xf32>, vector<8xf32>
      %sum = vector.reduction <add>, %v : vector<8xf32> into f32
      %t = vector.transfer_read %A[%c0, %c8], %pad : memref<2x10xf32>, vector<4xf32>
      %tail = vector.reduction <add>, %t : vector<4xf32> into f32
      %n = arith.constant 3 : index
      %mask = vector.create_mask %n : vector<4xi1>
      %zero = arith.constant dense<0.0> : vector<4xf32>
      %m = vector.maskedload %A[%c0, %c0], %mask, %zero : memref<2x10xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
      %mx = vector.reduction <maximumf>, %m : vector<4xf32> into f32
      %b = vector.broadcast %sum : f32 to vector<4xf32>
      %f = vector.fma %b, %m, %t : vector<4xf32>
      %e = vector.extract %f[2] : f32 from vector<4xf32>
      memref.store %sum, %S[%c0] : memref<4xf32>
      memref.store %tail, %S[%c1] : memref<4xf32>
      %c2 = arith.constant 2 : index
      %c3 = arith.constant 3 : index
      memref.store %mx, %S[%c2] : memref<4xf32>
      memref.store %e, %S[%c3] : memref<4xf32>
      func.return
    }
    """
    a = np.arange(20, dtype=np.float32).reshape(2, 10)
    s = np.zeros(4, np.float32)
    nnopt.reference.run(ir, "vectors", a, s)
    total = a[1, :8].sum()
    tail = np.array([a[0, 8], a[0, 9], -1.0, -1.0])
    masked = np.array([a[0, 0], a[0, 1], a[0, 2], 0.0])
    np.testing.assert_allclose(s, [total, tail.sum(), masked.max(), total * masked[2] + tail[2]])


def test_linalg_on_memrefs_in_place_with_index_and_reduction() -> None:
    ir = """
    func.func @row_weighted_sums(%A: memref<3x4xf32>, %out: memref<3xf32>) {
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                      iterator_types = ["parallel", "reduction"]}
          ins(%A : memref<3x4xf32>) outs(%out : memref<3xf32>) {
      ^bb0(%a: f32, %acc: f32):
        %j = linalg.index 1 : index
        %ji = arith.index_cast %j : index to i64
        %w = arith.sitofp %ji : i64 to f32
        %p = arith.mulf %a, %w : f32
        %s = arith.addf %acc, %p : f32
        linalg.yield %s : f32
      }
      func.return
    }
    """
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = np.ones(3, np.float32)
    nnopt.reference.run(ir, "row_weighted_sums", a, out)
    np.testing.assert_allclose(out, 1 + a @ np.arange(4, dtype=np.float32))


OUT_OF_BOUNDS = """
func.func @oob(%A: memref<8xf32>) {
  %x = arith.constant 1.0 : f32
  affine.for %i = 0 to 9 {
    affine.store %x, %A[%i] : memref<8xf32>
  }
  func.return
}
"""

UNINITIALISED = """
func.func @uninit(%O: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  %x = arith.constant 1.0 : f32
  affine.for %i = 0 to 3 {
    affine.store %x, %t[%i] : memref<4xf32>
  }
  affine.for %i = 0 to 4 {
    %v = affine.load %t[%i] : memref<4xf32>
    affine.store %v, %O[%i] : memref<4xf32>
  }
  memref.dealloc %t : memref<4xf32>
  func.return
}
"""

USE_AFTER_FREE = """
func.func @uaf(%O: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  %c0 = arith.constant 0 : index
  %x = arith.constant 1.0 : f32
  memref.store %x, %t[%c0] : memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  %v = memref.load %t[%c0] : memref<4xf32>
  memref.store %v, %O[%c0] : memref<4xf32>
  func.return
}
"""

WRITES_A_CONSTANT = """
"memref.global"() <{sym_name = "w", type = memref<2xf32>, initial_value = dense<[1.0, 2.0]> : tensor<2xf32>, sym_visibility = "private", constant}> : () -> ()
func.func @clobber(%O: memref<2xf32>) {
  %g = memref.get_global @w : memref<2xf32>
  %c0 = arith.constant 0 : index
  %x = arith.constant 5.0 : f32
  memref.store %x, %g[%c0] : memref<2xf32>
  func.return
}
"""


@pytest.mark.parametrize(
    ("ir", "name", "size", "pattern", "line"),
    [
        (OUT_OF_BOUNDS, "oob", 8, r"'affine.store' op accesses index 8 of dimension 0 of a 8 buffer .argument 'A'.: out of bounds", 5),
        (UNINITIALISED, "uninit", 4, r"'affine.load' op reads an element of the memref.alloc at <reference>:3:\d+ that was never written", 9),
        (USE_AFTER_FREE, "uaf", 4, r"'memref.load' op accesses the memref.alloc at <reference>:3:\d+ after it was freed", 8),
        (WRITES_A_CONSTANT, "clobber", 2, r"'memref.store' op writes to global @w, which is read-only", 7),
    ],
)
def test_undefined_behaviour_is_reported_at_the_op(ir: str, name: str, size: int, pattern: str, line: int) -> None:
    with pytest.raises(UndefinedBehaviourError, match=pattern) as info:
        nnopt.reference.run(ir, name, np.zeros(size, np.float32))
    assert str(info.value).startswith(f"<reference>:{line}:")


def test_an_unwritten_output_is_reported() -> None:
    ir = """
    func.func @half(%x: memref<4xf32>, %out: memref<4xf32>) attributes {nnopt.outputs = 1 : i64} {
      affine.for %i = 0 to 2 {
        %v = affine.load %x[%i] : memref<4xf32>
        affine.store %v, %out[%i] : memref<4xf32>
      }
      func.return
    }
    """
    with pytest.raises(nnopt.reference.ExecutionError, match="returns output 'out' with elements it never wrote"):
        nnopt.reference.run(ir, "half", np.zeros(4, np.float32))


def test_an_unsupported_op_is_named() -> None:
    ir = """
    func.func @f(%A: memref<4xf32>) {
      %c0 = arith.constant 0 : index
      %x = memref.atomic_rmw addf %A[%c0], %A[%c0] : (f32, memref<4xf32>) -> f32
      func.return
    }
    """
    from xdsl.utils.exceptions import ParseError  # noqa: F401  (the op may not parse: either error is fine)

    with pytest.raises(nnopt.CompileError):
        nnopt.reference.run(ir, "f", np.zeros(4, np.float32))


def test_a_graph_op_without_numpy_semantics_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from nnopt.dialects import graph
    from nnopt.passes.graph.semantics import SEMANTICS

    monkeypatch.delitem(SEMANTICS, graph.ReluOp)
    ir = """
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %r = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
      func.return %r : tensor<4xf32>
    }
    """
    with pytest.raises(UnsupportedOpError, match=r"<reference>:3:\d+: error: 'graph.relu' op has no numpy semantics; add a numpy function for it with @numpy_semantics"):
        nnopt.reference.run(ir, "f", np.zeros(4, np.float32))
