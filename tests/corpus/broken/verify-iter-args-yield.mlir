// affine.for that carries a value but yields nothing.
// error: affine
func.func @f(%a: memref<4xf32>) -> f32 {
  %z = arith.constant 0.0 : f32
  %s = affine.for %i = 0 to 4 iter_args(%acc = %z) -> (f32) {
    affine.yield
  }
  func.return %s : f32
}
