// RUN: NNOPT_ROUNDTRIP
// RUN: nn-opt %s --split-input-file --print-op-generic | filecheck %s --check-prefix=GENERIC

// Indices written as bare SSA ids are dims, as in MLIR (xDSL's parser makes them
// symbols, which breaks every analysis reading loop indices).
// CHECK-LABEL: func.func @access_maps
// GENERIC-LABEL: "access_maps"
func.func @access_maps(%A: memref<8x9xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      // CHECK: %v = affine.load %A[%i, %j + 1] : memref<8x9xf32>
      // GENERIC: "affine.load"(%{{.*}}, %{{.*}}, %{{.*}}) <{map = affine_map<(d0, d1) -> (d0, (d1 + 1))>}>
      %v = affine.load %A[%i, %j + 1] : memref<8x9xf32>
      // CHECK: affine.store %v, %A[%i, %j] : memref<8x9xf32>
      // GENERIC: "affine.store"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{map = affine_map<(d0, d1) -> (d0, d1)>}>
      affine.store %v, %A[%i, %j] : memref<8x9xf32>
    }
  }
  func.return
}

// -----

// CHECK-LABEL: func.func @conditionals
func.func @conditionals(%A: memref<64xf32>, %n: index) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 64 {
    // CHECK: affine.if affine_set<(d0)[s0] : ((d0 + -10) >= 0, ((s0 + (d0 * -1)) + -1) >= 0)>(%i)[%n] {
    // CHECK-NEXT: affine.store
    // CHECK-NEXT: } else {
    affine.if affine_set<(d0)[s0] : (d0 - 10 >= 0, s0 - d0 - 1 >= 0)>(%i)[%n] {
      affine.store %zero, %A[%i] : memref<64xf32>
    } else {
      %v = affine.load %A[%i] : memref<64xf32>
      affine.store %v, %A[%i] : memref<64xf32>
    }
    // CHECK: %r = affine.if affine_set<(d0) : ((d0 mod 2) == 0)>(%i) -> f32 {
    // CHECK: affine.yield %zero : f32
    %r = affine.if affine_set<(d0) : (d0 mod 2 == 0)>(%i) -> f32 {
      affine.yield %zero : f32
    } else {
      %w = affine.load %A[%i] : memref<64xf32>
      affine.yield %w : f32
    }
    affine.store %r, %A[%i] : memref<64xf32>
  }
  func.return
}

// -----

// CHECK-LABEL: func.func @bounds
func.func @bounds(%A: memref<100xf32>) {
  affine.for %t = 0 to 100 step 32 {
    // CHECK: %lb = affine.max affine_map<(d0) -> (0, (d0 + -2))> (%t)
    %lb = affine.max affine_map<(d0) -> (0, d0 - 2)> (%t)
    // CHECK: affine.for %i = max affine_map<(d0) -> (0, (d0 + -2))>(%t) to min affine_map<(d0) -> (100, (d0 + 32))>(%t) {
    affine.for %i = max affine_map<(d0) -> (0, d0 - 2)>(%t) to min affine_map<(d0) -> (100, d0 + 32)>(%t) {
      %v = affine.load %A[%i] : memref<100xf32>
      affine.store %v, %A[%lb] : memref<100xf32>
    }
  }
  func.return
}
