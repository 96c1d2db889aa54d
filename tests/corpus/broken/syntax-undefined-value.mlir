// A use of a value that is defined nowhere.
// error: use of undefined value '%y'
func.func @f() {
  %x = arith.addf %y, %y : f32
  func.return
}
