// Calling a float32 kernel with a float64 array.
// nn-opt: none (a run-time error)
// api-call: np.zeros(4, np.float64), np.zeros(4, np.float32)
// error: argument 'a' must have dtype float32, got float64
func.func @copy(%a: memref<4xf32>, %b: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xf32>
    affine.store %v, %b[%i] : memref<4xf32>
  }
  func.return
}
