// A function whose name collides with a helper of the generated C.
// error: is not a valid C function name
func.func @nn_min(%a: memref<4xf32>) {
  func.return
}
