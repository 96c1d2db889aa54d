// RUN: nn-opt %s -t c | filecheck %s
// RUN: nn-opt %s -t c | filecheck %s --check-prefix=ALLOC
// RUN: nn-opt %s -t c | %cc -fopenmp - -o /dev/null

// The body of a loop marked nnopt.parallel becomes a static function whose
// buffers are restrict parameters (const when only read): gcc passes the
// variables of an OpenMP region through a struct and would lose `restrict`.
// Values computed before the loop are passed by value; a view is passed as
// its root buffer.
// CHECK:      static void nn_body1(const float *restrict A, float s, float *restrict B, intptr_t i) {
// CHECK-NEXT:   for (intptr_t j = 0; j < 32; ++j) {
// CHECK-NEXT:     const float v = A[i * 32 + j];
// CHECK-NEXT:     const float w = v * s;
// CHECK-NEXT:     B[i * 32 + j] = w;
// CHECK-LABEL: int scale_rows(const float *restrict A, float *restrict B, float x) {
// CHECK:        #pragma omp parallel for
// CHECK-NEXT:   for (intptr_t i = 0; i < 16; ++i) nn_body1(A, s, B, i);
func.func @scale_rows(%A: memref<16x32xf32>, %B: memref<16x32xf32>, %x: f32) {
  %s = arith.mulf %x, %x : f32
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 32 {
      %v = affine.load %A[%i, %j] : memref<16x32xf32>
      %w = arith.mulf %v, %s : f32
      affine.store %w, %B[%i, %j] : memref<16x32xf32>
    }
  } {nnopt.parallel}
  func.return
}

// A parallel loop whose body allocates is outlined too: its buffer is private to
// each iteration, and an allocation failure there aborts (an OpenMP region
// cannot be left by returning the function's error status).
// ALLOC:      static void nn_body2(float *restrict B, intptr_t i) {
// ALLOC-NEXT:   float *restrict t = (float *)nn_alloc(16);
// ALLOC-NEXT:   if (!t) nn_abort_alloc();
// ALLOC-LABEL: int with_alloc(float *restrict B) {
// ALLOC-NEXT:   #pragma omp parallel for
// ALLOC-NEXT:   for (intptr_t i = 0; i < 4; ++i) nn_body2(B, i);
func.func @with_alloc(%B: memref<4x4xf32>) {
  affine.for %i = 0 to 4 {
    %t = memref.alloc() : memref<4xf32>
    affine.for %j = 0 to 4 {
      %v = affine.load %B[%i, %j] : memref<4x4xf32>
      affine.store %v, %t[%j] : memref<4xf32>
    }
    affine.for %j = 0 to 4 {
      %v = affine.load %t[%j] : memref<4xf32>
      affine.store %v, %B[%i, %j] : memref<4x4xf32>
    }
    memref.dealloc %t : memref<4xf32>
  } {nnopt.parallel}
  func.return
}
