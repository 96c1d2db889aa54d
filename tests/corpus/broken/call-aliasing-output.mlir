// Calling an in-place kernel with the same array as input and output.
// nn-opt: none (a run-time error)
// api-call: (lambda a: (a, a))(np.zeros(4, np.float32))
// error: argument 'b' is written and overlaps argument 'a'
func.func @copy(%a: memref<4xf32>, %b: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xf32>
    affine.store %v, %b[%i] : memref<4xf32>
  }
  func.return
}
