// A type of a dialect nobody registered.
// error: mystery
func.func @f(%a: !mystery.thing) {
  func.return
}
