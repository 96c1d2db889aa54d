// memref.load with no index on a one-dimensional memref; xDSL's verifier raises a bare
// Exception for it, which used to escape as an internal error.
// error: expected an index for each dimension
func.func @f(%A: memref<16xf32>) -> f32 {
  %v = memref.load %A[] : memref<16xf32>
  func.return %v : f32
}
