// Calling with an array where the kernel takes a scalar.
// nn-opt: none (a run-time error)
// api-call: np.zeros(4, np.float32), np.zeros(3, np.intp)
// error: argument 'n' must be a scalar
func.func @head(%a: memref<4xf32>, %n: index) {
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to %n {
    affine.store %z, %a[%i] : memref<4xf32>
  }
  func.return
}
