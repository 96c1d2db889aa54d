// RUN: nn-opt %s -p affine-vectorize,affine-register-block -t c | filecheck %s
// RUN: nn-opt %s -p affine-vectorize,affine-register-block -t c | %cc - -o /dev/null
// RUN: nn-opt %s -p 'affine-vectorize{target=aarch64-neon},affine-register-block{target=aarch64-neon}' -t c | filecheck %s --check-prefix=NEON

// Vector types are GCC vector extensions; loads and stores go through an
// unaligned alias type; broadcasts and the accumulators of a micro-kernel are
// named variables.
// CHECK: typedef float nn_f32x16 __attribute__((vector_size(64)));
// CHECK: typedef float nn_f32x16_u __attribute__((vector_size(64), aligned(4), may_alias));
// CHECK-LABEL: int matmul(
// CHECK: nn_f32x16 [[ACC:.*]] = [[INIT:.*]];
// CHECK: for (intptr_t k = 0; k < 64; ++k) {
// CHECK: const nn_f32x16 [[B:.*]] = *(const nn_f32x16_u *)&B[k * 64 + j];
// CHECK: const nn_f32x16 [[BC:.*]] = ([[A:.*]] - (nn_f32x16){});
// NEON: typedef float nn_f32x4 __attribute__((vector_size(16)));
// NEON-LABEL: int matmul(
func.func @matmul(%A: memref<64x64xf32>, %B: memref<64x64xf32>, %C: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      affine.for %k = 0 to 64 {
        %a = affine.load %A[%i, %k] : memref<64x64xf32>
        %b = affine.load %B[%k, %j] : memref<64x64xf32>
        %c = affine.load %C[%i, %j] : memref<64x64xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<64x64xf32>
      }
    }
  }
  func.return
}

// Softmax's pieces: a max reduction, exp through the vector helper, a sum.
// CHECK-LABEL: int softmax_row(
// CHECK: nn_f32x16_maximumf(
// CHECK: nn_f32x16_reduce_maximumf(
// CHECK: nn_f32x16_exp(
// CHECK: nn_f32x16_reduce_add(
func.func @softmax_row(%X: memref<64xf32>, %Y: memref<64xf32>, %S: memref<2xf32>) {
  affine.for %j = 0 to 64 {
    %x = affine.load %X[%j] : memref<64xf32>
    %m = affine.load %S[0] : memref<2xf32>
    %n = arith.maximumf %m, %x : f32
    affine.store %n, %S[0] : memref<2xf32>
  }
  affine.for %j = 0 to 64 {
    %x = affine.load %X[%j] : memref<64xf32>
    %m = affine.load %S[0] : memref<2xf32>
    %d = arith.subf %x, %m : f32
    %e = math.exp %d : f32
    affine.store %e, %Y[%j] : memref<64xf32>
    %s = affine.load %S[1] : memref<2xf32>
    %t = arith.addf %s, %e : f32
    affine.store %t, %S[1] : memref<2xf32>
  }
  func.return
}
