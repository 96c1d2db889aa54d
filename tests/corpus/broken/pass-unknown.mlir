// A pass that does not exist.
// nn-opt: -p frobnicate
// api: compile pipeline=frobnicate
// error: unknown pass 'frobnicate'
func.func @f() {
  func.return
}
