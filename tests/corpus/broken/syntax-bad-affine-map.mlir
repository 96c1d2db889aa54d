// An affine map with a result that is not affine (a product of two dims).
// error: semi-affine
func.func @f(%a: memref<16xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i * %i] : memref<16xf32>
  }
  func.return
}
