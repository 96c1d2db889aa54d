// affine.load with one index on a two-dimensional memref.
// error: affine.load
func.func @f(%a: memref<4x4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4x4xf32>
  }
  func.return
}
