// RUN: nn-opt %s --split-input-file -p convert-linalg-to-affine | filecheck %s

// CHECK-LABEL: func.func @matmul
func.func @matmul(%A: memref<4x8xf32>, %B: memref<8x16xf32>, %C: memref<4x16xf32>) {
  // CHECK:      affine.for %i = 0 to 4 {
  // CHECK-NEXT:   affine.for %j = 0 to 16 {
  // CHECK-NEXT:     affine.for %k = 0 to 8 {
  // CHECK-NEXT:       %a = affine.load %A[%i, %k] : memref<4x8xf32>
  // CHECK-NEXT:       %b = affine.load %B[%k, %j] : memref<8x16xf32>
  // CHECK-NEXT:       %acc = affine.load %C[%i, %j] : memref<4x16xf32>
  // CHECK-NEXT:       %p = arith.mulf %a, %b : f32
  // CHECK-NEXT:       %s = arith.addf %acc, %p : f32
  // CHECK-NEXT:       affine.store %s, %C[%i, %j] : memref<4x16xf32>
  // CHECK-NOT: linalg
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>) outs(%C : memref<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  func.return
}

// -----

// An output that the body does not read is not loaded; scalar operands are used
// directly; memref.copy becomes a copy nest.
// CHECK-LABEL: func.func @fill_and_copy
func.func @fill_and_copy(%A: memref<3x5xf32>, %B: memref<3x5xf32>) {
  %c = arith.constant 2.5 : f32
  // CHECK: affine.for %i = 0 to 3 {
  // CHECK-NEXT: affine.for %j = 0 to 5 {
  // CHECK-NEXT: affine.store %c, %A[%i, %j] : memref<3x5xf32>
  linalg.fill ins(%c : f32) outs(%A : memref<3x5xf32>)
  // CHECK: affine.for %i_1 = 0 to 3 {
  // CHECK-NEXT: affine.for %j_1 = 0 to 5 {
  // CHECK-NEXT: %[[V:.*]] = affine.load %A[%i_1, %j_1] : memref<3x5xf32>
  // CHECK-NEXT: affine.store %[[V]], %B[%i_1, %j_1] : memref<3x5xf32>
  "memref.copy"(%A, %B) : (memref<3x5xf32>, memref<3x5xf32>) -> ()
  func.return
}

// -----

// Broadcast maps (a constant index) and linalg.index become affine indices.
// CHECK-LABEL: func.func @broadcast_and_index
func.func @broadcast_and_index(%col: memref<4x1xf32>, %O: memref<4x6xf32>) {
  // CHECK: affine.load %col[%i, 0] : memref<4x1xf32>
  // CHECK: arith.index_cast %j : index to i64
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%col : memref<4x1xf32>) outs(%O : memref<4x6xf32>) {
  ^bb0(%x: f32, %o: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i64
    %jf = arith.sitofp %ji : i64 to f32
    %r = arith.addf %x, %jf : f32
    linalg.yield %r : f32
  }
  func.return
}

// -----

// The pass must not touch affine code that has no linalg ops.
// CHECK-LABEL: func.func @already_affine
// CHECK-NEXT: affine.for %i = 0 to 4 {
// CHECK-NEXT:   %v = affine.load %A[%i] : memref<4xf32>
// CHECK-NEXT:   affine.store %v, %A[%i] : memref<4xf32>
// CHECK-NEXT: }
func.func @already_affine(%A: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %A[%i] : memref<4xf32>
    affine.store %v, %A[%i] : memref<4xf32>
  }
  func.return
}
