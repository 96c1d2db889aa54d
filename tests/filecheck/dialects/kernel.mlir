// RUN: NNOPT_ROUNDTRIP

// CHECK-LABEL: func.func @attention
// CHECK: kernel.attention ins(%q, %k, %v, %m : memref<1x4x8x16xf32>, memref<1x2x8x16xf32>, memref<1x2x8x16xf32>, memref<8x8xf32>) outs(%o : memref<1x4x8x16xf32>) {scale = 0.25 : f32}
func.func @attention(%q: memref<1x4x8x16xf32>, %k: memref<1x2x8x16xf32>, %v: memref<1x2x8x16xf32>, %m: memref<8x8xf32>, %o: memref<1x4x8x16xf32>) {
  kernel.attention ins(%q, %k, %v, %m : memref<1x4x8x16xf32>, memref<1x2x8x16xf32>, memref<1x2x8x16xf32>, memref<8x8xf32>) outs(%o : memref<1x4x8x16xf32>) {scale = 0.25 : f32}
  func.return
}
