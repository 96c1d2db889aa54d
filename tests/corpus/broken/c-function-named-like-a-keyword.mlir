// A function whose name is a C keyword: the C would not compile.
// error: is not a valid C function name
func.func @int(%a: memref<4xf32>) {
  func.return
}
