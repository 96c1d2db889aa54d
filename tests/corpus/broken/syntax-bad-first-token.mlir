// The very first token of the input is malformed (a lone '.'); it used to escape as an internal error.
// error: Expected three consecutive '.' for an ellipsis
./ RUN: x
func.func @f() {
  func.return
}
