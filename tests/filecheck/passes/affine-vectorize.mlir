// RUN: nn-opt %s --split-input-file -p affine-vectorize | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'affine-vectorize{target=x86-avx2}' | filecheck %s --check-prefix=AVX2
// RUN: nn-opt %s --split-input-file -p 'affine-vectorize{reductions=false}' --verify-diagnostics

// Contiguous loads and stores become vector ops, invariants are broadcast, and
// the remainder (100 = 6 * 16 + 4) runs in a scalar epilogue.
// CHECK-LABEL: func.func @bias_relu
// CHECK:      affine.for %j = 0 to 96 step 16 {
// CHECK-NEXT:   %a = affine.vector_load %A[%i, %j] : memref<8x100xf32>, vector<16xf32>
// CHECK-NEXT:   %b = affine.vector_load %B[%j] : memref<100xf32>, vector<16xf32>
// CHECK-NEXT:   %s = arith.addf %a, %b : vector<16xf32>
// CHECK-NEXT:   %[[Z:.*]] = vector.broadcast %z : f32 to vector<16xf32>
// CHECK-NEXT:   %r = arith.maximumf %s, %[[Z]] : vector<16xf32>
// CHECK-NEXT:   affine.vector_store %r, %C[%i, %j] : memref<8x100xf32>, vector<16xf32>
// CHECK-NEXT: } {nnopt.vectorized}
// CHECK-NEXT: affine.for %{{.*}} = 96 to 100 {
// CHECK:        affine.store %{{.*}}, %C[%i, %{{.*}}] : memref<8x100xf32>
// AVX2-LABEL: func.func @bias_relu
// AVX2: affine.for %j = 0 to 96 step 8 {
// AVX2: vector<8xf32>
func.func @bias_relu(%A: memref<8x100xf32>, %B: memref<100xf32>, %C: memref<8x100xf32>) {
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 100 {
      %a = affine.load %A[%i, %j] : memref<8x100xf32>
      %b = affine.load %B[%j] : memref<100xf32>
      %s = arith.addf %a, %b : f32
      %r = arith.maximumf %s, %z : f32
      affine.store %r, %C[%i, %j] : memref<8x100xf32>
    }
  }
  func.return
}

// -----

// A reduction into an invariant location gets a vector accumulator, reduced and
// combined with the old value after the loop.
// CHECK-LABEL: func.func @row_max
// CHECK:      %[[INIT:.*]] = arith.constant dense<0xff800000> : vector<16xf32>
// CHECK-NEXT: %[[ACC:.*]] = affine.for %j = 0 to 64 step 16 iter_args(%[[A:.*]] = %[[INIT]]) -> (vector<16xf32>) {
// CHECK-NEXT:   %x = affine.vector_load %X[%i, %j] : memref<4x64xf32>, vector<16xf32>
// CHECK-NEXT:   %m = arith.maximumf %[[A]], %x : vector<16xf32>
// CHECK-NEXT:   affine.yield %m : vector<16xf32>
// CHECK-NEXT: } {nnopt.vectorized}
// CHECK-NEXT: %[[R:.*]] = vector.reduction <maximumf>, %[[ACC]] : vector<16xf32> into f32
// CHECK-NEXT: %[[OLD:.*]] = affine.load %M[%i] : memref<4xf32>
// CHECK-NEXT: %[[NEW:.*]] = arith.maximumf %[[OLD]], %[[R]] : f32
// CHECK-NEXT: affine.store %[[NEW]], %M[%i] : memref<4xf32>
func.func @row_max(%X: memref<4x64xf32>, %M: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    // expected-remark @+1 {{not vectorized: vectorizing the reduction into %M reassociates it (reductions=false)}}
    affine.for %j = 0 to 64 {
      %x = affine.load %X[%i, %j] : memref<4x64xf32>
      %acc = affine.load %M[%i] : memref<4xf32>
      %m = arith.maximumf %acc, %x : f32
      affine.store %m, %M[%i] : memref<4xf32>
    }
  }
  func.return
}

// -----

// The innermost loop walks B with a stride, so the enclosing j loop is vectorized
// (outer-loop vectorization): the whole k loop runs on vectors.
// CHECK-LABEL: func.func @matmul
// CHECK:      affine.for %j = 0 to 32 step 16 {
// CHECK-NEXT:   affine.for %k = 0 to 8 {
// CHECK-NEXT:     %a = affine.load %A[%i, %k] : memref<4x8xf32>
// CHECK-NEXT:     %b = affine.vector_load %B[%k, %j] : memref<8x32xf32>, vector<16xf32>
// CHECK-NEXT:     %c = affine.vector_load %C[%i, %j] : memref<4x32xf32>, vector<16xf32>
// CHECK-NEXT:     %[[A:.*]] = vector.broadcast %a : f32 to vector<16xf32>
// CHECK-NEXT:     %p = arith.mulf %[[A]], %b : vector<16xf32>
func.func @matmul(%A: memref<4x8xf32>, %B: memref<8x32xf32>, %C: memref<4x32xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 32 {
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<4x8xf32>
        %b = affine.load %B[%k, %j] : memref<8x32xf32>
        %c = affine.load %C[%i, %j] : memref<4x32xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<4x32xf32>
      }
    }
  }
  func.return
}

// -----

// Must not apply: a transpose walks A with a stride in both loops.
// CHECK-LABEL: func.func @transpose
// CHECK-NOT: vector
func.func @transpose(%A: memref<32x32xf32>, %B: memref<32x32xf32>) {
  affine.for %i = 0 to 32 {
    // expected-remark @+1 {{not vectorized: an access to %A is strided in its index}}
    affine.for %j = 0 to 32 {
      %a = affine.load %A[%j, %i] : memref<32x32xf32>
      affine.store %a, %B[%i, %j] : memref<32x32xf32>
    }
  }
  func.return
}

// -----

// Must not apply: iterations read what others write (a shift), the trip count is
// below the narrowest vector (4 floats), or the index is used as a value.
// CHECK-LABEL: func.func @declined
// CHECK-NOT: vector
func.func @declined(%A: memref<64xf32>, %B: memref<3xf32>) {
  // expected-remark @+1 {{not vectorized: it accesses %A, which it writes, at several addresses}}
  affine.for %i = 1 to 64 {
    %a = affine.load %A[%i - 1] : memref<64xf32>
    affine.store %a, %A[%i] : memref<64xf32>
  }
  // expected-remark @+1 {{not vectorized: its trip count 3 is below the vector width 16}}
  affine.for %i = 0 to 3 {
    %b = affine.load %B[%i] : memref<3xf32>
    %c = arith.addf %b, %b : f32
    affine.store %c, %B[%i] : memref<3xf32>
  }
  // expected-remark @+1 {{not vectorized: 'arith.index_cast' uses its index as a value}}
  affine.for %i = 0 to 64 {
    %n = arith.index_cast %i : index to i64
    %f = arith.sitofp %n : i64 to f32
    affine.store %f, %A[%i] : memref<64xf32>
  }
  func.return
}

// -----

// An inner loop carrying a scalar accumulator (a fused contraction) carries a
// vector accumulator after vectorization; the epilogue after it is vectorized too.
// CHECK-LABEL: func.func @fused_rows
// CHECK:      %[[INIT:.*]] = vector.broadcast %zero : f32 to vector<16xf32>
// CHECK-NEXT: %[[SUM:.*]] = affine.for %k = 0 to 8 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (vector<16xf32>) {
// CHECK:        %[[NEXT:.*]] = arith.addf %[[ACC]], %{{.*}} : vector<16xf32>
// CHECK-NEXT:   affine.yield %[[NEXT]] : vector<16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[Z:.*]] = vector.broadcast %zero : f32 to vector<16xf32>
// CHECK-NEXT: %r = arith.maximumf %[[SUM]], %[[Z]] : vector<16xf32>
// CHECK-NEXT: affine.vector_store %r, %C[%i, %j] : memref<4x32xf32>, vector<16xf32>
func.func @fused_rows(%A: memref<4x8xf32>, %B: memref<8x32xf32>, %C: memref<4x32xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 32 {
      %sum = affine.for %k = 0 to 8 iter_args(%acc = %zero) -> (f32) {
        %a = affine.load %A[%i, %k] : memref<4x8xf32>
        %b = affine.load %B[%k, %j] : memref<8x32xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %acc, %p : f32
        affine.yield %s : f32
      }
      %r = arith.maximumf %sum, %zero : f32
      affine.store %r, %C[%i, %j] : memref<4x32xf32>
    }
  }
  func.return
}

// -----

// A loop shorter than a vector gets the narrower vectors it fills: 12 = 8 + 4
// iterations on AVX-512 (4 lanes is the narrowest), 8 + 4 on AVX2 as well.
// CHECK-LABEL: func.func @short
// CHECK:      affine.for %i = 0 to 8 step 8 {
// CHECK:        affine.vector_load %B[%i] : memref<12xf32>, vector<8xf32>
// CHECK:      affine.for %i{{.*}} = 8 to 12 step 4 {
// CHECK:        affine.vector_load %B[%i{{.*}}] : memref<12xf32>, vector<4xf32>
// AVX2-LABEL: func.func @short
// AVX2:       affine.for %i = 0 to 8 step 8 {
// AVX2:       affine.for %i{{.*}} = 8 to 12 step 4 {
func.func @short(%B: memref<12xf32>) {
  affine.for %i = 0 to 12 {
    %b = affine.load %B[%i] : memref<12xf32>
    %c = arith.mulf %b, %b : f32
    affine.store %c, %B[%i] : memref<12xf32>
  }
  func.return
}
