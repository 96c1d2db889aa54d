// RUN: nn-opt %s --split-input-file -p affine-unroll-jam --verify-diagnostics | filecheck %s

// Unroll i by 3 (8 = 2 * 3 + 2: an epilogue keeps the last two rows); the copies
// share one k loop, each copy's ops run together, and loads that do not move
// with i (B) are shared.
// CHECK-LABEL: func.func @rows
// CHECK:      affine.for %i = 0 to 6 step 3 {
// CHECK-NEXT:   affine.for %k = 0 to 4 {
// CHECK-NEXT:     %a = affine.load %A[%i, %k] : memref<8x4xf32>
// CHECK-NEXT:     %b = affine.load %B[%k] : memref<4xf32>
// CHECK-NEXT:     %s = arith.addf %a, %b : f32
// CHECK-NEXT:     affine.store %s, %C[%i, %k] : memref<8x4xf32>
// CHECK-NEXT:     %[[A1:.*]] = affine.load %A[%i + 1, %k] : memref<8x4xf32>
// CHECK-NEXT:     %[[S1:.*]] = arith.addf %[[A1]], %b : f32
// CHECK-NEXT:     affine.store %[[S1]], %C[%i + 1, %k] : memref<8x4xf32>
// CHECK-NEXT:     %[[A2:.*]] = affine.load %A[%i + 2, %k] : memref<8x4xf32>
// CHECK-NEXT:     %[[S2:.*]] = arith.addf %[[A2]], %b : f32
// CHECK-NEXT:     affine.store %[[S2]], %C[%i + 2, %k] : memref<8x4xf32>
// CHECK:      affine.for %{{.*}} = 6 to 8 {
func.func @rows(%A: memref<8x4xf32>, %B: memref<4xf32>, %C: memref<8x4xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %k = 0 to 4 {
      %a = affine.load %A[%i, %k] : memref<8x4xf32>
      %b = affine.load %B[%k] : memref<4xf32>
      %s = arith.addf %a, %b : f32
      affine.store %s, %C[%i, %k] : memref<8x4xf32>
    }
  } {nnopt.unroll_jam = 3 : i64}
  func.return
}

// -----

// Must not apply: every iteration of i updates the same S[k] (jamming would
// reorder the updates), and a stencil reads what the next iteration writes.
// CHECK-LABEL: func.func @declined
// CHECK: affine.for %i = 0 to 8 {
// CHECK: affine.for %i_1 = 1 to 8 {
func.func @declined(%A: memref<8x4xf32>, %S: memref<4xf32>, %T: memref<8x4xf32>) {
  // expected-remark @+1 {{not unrolled and jammed: iterations may touch the same elements of %S, which it writes}}
  affine.for %i = 0 to 8 {
    affine.for %k = 0 to 4 {
      %a = affine.load %A[%i, %k] : memref<8x4xf32>
      %s = affine.load %S[%k] : memref<4xf32>
      %t = arith.addf %a, %s : f32
      affine.store %t, %S[%k] : memref<4xf32>
    }
  } {nnopt.unroll_jam = 2 : i64}
  // expected-remark @+1 {{not unrolled and jammed: iterations may touch the same elements of %T, which it writes}}
  affine.for %i = 1 to 8 {
    affine.for %k = 0 to 4 {
      %p = affine.load %T[%i - 1, %k] : memref<8x4xf32>
      affine.store %p, %T[%i, %k] : memref<8x4xf32>
    }
  } {nnopt.unroll_jam = 2 : i64}
  func.return
}
