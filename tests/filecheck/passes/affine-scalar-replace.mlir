// RUN: nn-opt %s --split-input-file -p affine-scalar-replace | filecheck %s

// The accumulator C[i, j] leaves the whole k nest: loaded before, carried
// through iter_args, stored after.
// CHECK-LABEL: func.func @accumulate
// CHECK:      %[[INIT:.*]] = affine.load %C[%i, %j] : memref<4x4xf32>
// CHECK-NEXT: %[[R:.*]] = affine.for %k = 0 to 8 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:   %a = affine.load %A[%i, %k] : memref<4x8xf32>
// CHECK-NEXT:   %s = arith.addf %[[ACC]], %a : f32
// CHECK-NEXT:   affine.yield %s : f32
// CHECK-NEXT: }
// CHECK-NEXT: affine.store %[[R]], %C[%i, %j] : memref<4x4xf32>
func.func @accumulate(%A: memref<4x8xf32>, %C: memref<4x4xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 4 {
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<4x8xf32>
        %c = affine.load %C[%i, %j] : memref<4x4xf32>
        %s = arith.addf %c, %a : f32
        affine.store %s, %C[%i, %j] : memref<4x4xf32>
      }
    }
  }
  func.return
}

// -----

// Must not apply: the location moves with k; another address of the same
// buffer may alias it; the trip count is not known.
// CHECK-LABEL: func.func @declined
// CHECK-NOT: iter_args
func.func @declined(%A: memref<8xf32>, %B: memref<8xf32>, %n: index) {
  affine.for %k = 0 to 8 {
    %a = affine.load %A[%k] : memref<8xf32>
    affine.store %a, %B[%k] : memref<8xf32>
  }
  affine.for %k = 0 to 8 {
    %a = affine.load %A[0] : memref<8xf32>
    %b = affine.load %A[%k] : memref<8xf32>
    %s = arith.addf %a, %b : f32
    affine.store %s, %A[0] : memref<8xf32>
  }
  affine.for %k = 0 to %n {
    %a = affine.load %A[0] : memref<8xf32>
    %s = arith.addf %a, %a : f32
    affine.store %s, %A[0] : memref<8xf32>
  }
  func.return
}
