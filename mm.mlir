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
