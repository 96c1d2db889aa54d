// The file ends in the middle of an op.
// error: Expected
func.func @f(%a: memref<4xf32>) {
  %v = affine.load %a[
