// A function whose name is not a C identifier.
// error: is not a valid C function name
func.func @"my-kernel"(%a: memref<4xf32>) {
  func.return
}
