// RUN: nn-opt %s --split-input-file --verify-diagnostics

func.func @bad_heads(%q: memref<1x3x8x16xf32>, %k: memref<1x2x8x16xf32>, %o: memref<1x3x8x16xf32>) {
  // expected-error @+1 {{incompatible attention shapes}}
  kernel.attention ins(%q, %k, %k : memref<1x3x8x16xf32>, memref<1x2x8x16xf32>, memref<1x2x8x16xf32>) outs(%o : memref<1x3x8x16xf32>) {scale = 0.25 : f32}
  func.return
}
