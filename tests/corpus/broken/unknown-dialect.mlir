// An op of a dialect nobody registered.
// error: mystery.op
func.func @f() {
  "mystery.op"() : () -> ()
  func.return
}
