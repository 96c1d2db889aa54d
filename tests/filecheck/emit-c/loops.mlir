// RUN: nn-opt %s -t c | filecheck %s
// RUN: nn-opt %s -t c | %cc - -o /dev/null

// Read-only memref arguments are const; loops count up with intptr_t indices;
// multi-result bounds become nested nn_max/nn_min; a non-trivial upper bound is
// computed once before the loop.
// CHECK-LABEL: int tiled_copy(const float *restrict A, float *restrict B) {
// CHECK: for (intptr_t t = 0; t < 100; t += 32) {
// CHECK: const intptr_t i_end = nn_min(100, (t + 32));
// CHECK-NEXT: for (intptr_t i = nn_max(0, (t - 2)); i < i_end; ++i) {
// CHECK-NEXT: const float v = A[i];
// CHECK-NEXT: B[nn_floordiv(i, 2) * 2 + nn_mod(i, 2)] = v;
// CHECK: return 0;
func.func @tiled_copy(%A: memref<100xf32>, %B: memref<50x2xf32>) {
  affine.for %t = 0 to 100 step 32 {
    affine.for %i = max affine_map<(d0) -> (0, d0 - 2)>(%t) to min affine_map<(d0) -> (100, d0 + 32)>(%t) {
      %v = affine.load %A[%i] : memref<100xf32>
      affine.store %v, %B[%i floordiv 2, %i mod 2] : memref<50x2xf32>
    }
  }
  func.return
}

// affine.if with an else branch and with results; iter_args become mutable
// accumulators assigned by affine.yield.
// CHECK-LABEL: int conditional_sum(const float *restrict A, float *restrict S, intptr_t n) {
// CHECK: float acc = 0.0f;
// CHECK: for (intptr_t i = 0; i < 64; ++i) {
// CHECK: float r;
// CHECK-NEXT: if ((i - 10) >= 0 && ((n - i) - 1) >= 0) {
// CHECK-NEXT: const float w = A[i];
// CHECK-NEXT: r = w;
// CHECK-NEXT: } else {
// CHECK-NEXT: r = 0.0f;
// CHECK-NEXT: }
// CHECK-NEXT: const float s = acc + r;
// CHECK-NEXT: acc = s;
// CHECK: S[0] = acc;
func.func @conditional_sum(%A: memref<64xf32>, %S: memref<1xf32>, %n: index) {
  %zero = arith.constant 0.0 : f32
  %acc = affine.for %i = 0 to 64 iter_args(%a = %zero) -> (f32) {
    %r = affine.if affine_set<(d0)[s0] : (d0 - 10 >= 0, s0 - d0 - 1 >= 0)>(%i)[%n] -> f32 {
      %w = affine.load %A[%i] : memref<64xf32>
      affine.yield %w : f32
    } else {
      affine.yield %zero : f32
    }
    %s = arith.addf %a, %r : f32
    affine.yield %s : f32
  }
  affine.store %acc, %S[0] : memref<1xf32>
  func.return
}

// Allocations are checked and freed; arith/math map to C operators and libm.
// CHECK-LABEL: int scalar_ops(const float *restrict X, float *restrict Y) {
// CHECK: float *restrict tmp = (float *)nn_alloc(32);
// CHECK-NEXT: if (!tmp) return 1;
// CHECK: const float e = expf(x);
// CHECK: const float m = nn_maximumf(e, 0.5f);
// CHECK: const bool c = x < m;
// CHECK: const float sel = c ? x : m;
// CHECK: const float q = 1.0f / sqrtf(sel);
// CHECK: free(tmp);
func.func @scalar_ops(%X: memref<8xf32>, %Y: memref<8xf32>) {
  %tmp = memref.alloc() : memref<8xf32>
  %half = arith.constant 0.5 : f32
  affine.for %i = 0 to 8 {
    %x = affine.load %X[%i] : memref<8xf32>
    %e = math.exp %x : f32
    %m = arith.maximumf %e, %half : f32
    %c = arith.cmpf olt, %x, %m : f32
    %sel = arith.select %c, %x, %m : f32
    %q = math.rsqrt %sel : f32
    affine.store %q, %tmp[%i] : memref<8xf32>
    %t = affine.load %tmp[%i] : memref<8xf32>
    affine.store %t, %Y[%i] : memref<8xf32>
  }
  memref.dealloc %tmp : memref<8xf32>
  func.return
}
