// A function signature that never closes.
// error: expected
func.func @f(%a: tensor<4xf32> {
  func.return
}
