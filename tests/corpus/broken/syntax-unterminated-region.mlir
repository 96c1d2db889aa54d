// A region whose closing brace is missing.
// error: is a '}' missing?
func.func @f(%a: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xf32>
  func.return
}
