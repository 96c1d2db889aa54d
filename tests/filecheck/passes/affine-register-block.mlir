// RUN: nn-opt %s --split-input-file -p 'affine-vectorize,affine-register-block' --verify-diagnostics | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'affine-vectorize{target=x86-avx2},affine-register-block{target=x86-avx2}' | filecheck %s --check-prefix=AVX2

// A matmul becomes an outer-product micro-kernel: rows of i share the B vectors,
// the accumulators live in registers across k.
// CHECK-LABEL: func.func @matmul
// 6 rows x 4 vectors: 24 accumulators + 4 B vectors + 1 broadcast <= 32 registers.
// CHECK:      affine.for %i = 0 to 24 step 6 {
// CHECK-NEXT:   affine.for %j = 0 to 64 step 64 {
// CHECK-COUNT-24: affine.vector_load %C
// CHECK:        affine.for %k = 0 to 32 iter_args(
// CHECK:          %a = affine.load %A[%i, %k] : memref<28x32xf32>
// CHECK-NEXT:     %b = affine.vector_load %B[%k, %j] : memref<32x64xf32>, vector<16xf32>
// CHECK-NEXT:     %[[A:.*]] = vector.broadcast %a : f32 to vector<16xf32>
// CHECK-NEXT:     %p = arith.mulf %[[A]], %b : vector<16xf32>
// CHECK-NEXT:     %s = arith.addf %{{.*}}, %p : vector<16xf32>
// CHECK-NEXT:     %b_1 = affine.vector_load %B[%k, %j + 16] : memref<32x64xf32>, vector<16xf32>
// CHECK:          affine.yield
// CHECK-COUNT-24: affine.vector_store
// The last 4 rows get their own 4-row kernel: 4 x 4 accumulators, one
// iteration, the same shared B vectors.
// CHECK:      affine.for %{{.*}} = 24 to 28 step 4 {
// CHECK-COUNT-16: affine.vector_load %C
// CHECK:        affine.for %k{{.*}} = 0 to 32 iter_args(
// CHECK-COUNT-4:  vector.broadcast
// CHECK:          affine.yield
// CHECK-COUNT-16: affine.vector_store
// CHECK-NOT:  affine.for
// CHECK:      func.return
// AVX2 has 16 registers: 4 rows x 2 vectors of 8.
// AVX2-LABEL: func.func @matmul
// AVX2: affine.for %i = 0 to 28 step 4 {
// AVX2: affine.for %j = 0 to 64 step 16 {
func.func @matmul(%A: memref<28x32xf32>, %B: memref<32x64xf32>, %C: memref<28x64xf32>) {
  affine.for %i = 0 to 28 {
    affine.for %j = 0 to 64 {
      affine.for %k = 0 to 32 {
        %a = affine.load %A[%i, %k] : memref<28x32xf32>
        %b = affine.load %B[%k, %j] : memref<32x64xf32>
        %c = affine.load %C[%i, %j] : memref<28x64xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<28x64xf32>
      }
    }
  }
  func.return
}

// -----

// Must not apply: an elementwise loop has no reduction nest to block.
// CHECK-LABEL: func.func @elementwise
// CHECK: affine.for %j = 0 to 64 step 16 {
// CHECK-NOT: iter_args
func.func @elementwise(%A: memref<8x64xf32>, %B: memref<8x64xf32>) {
  affine.for %i = 0 to 8 {
    // expected-remark @+1 {{not register-blocked: its body is not a single reduction loop}}
    affine.for %j = 0 to 64 {
      %a = affine.load %A[%i, %j] : memref<8x64xf32>
      %s = arith.mulf %a, %a : f32
      affine.store %s, %B[%i, %j] : memref<8x64xf32>
    }
  }
  func.return
}
