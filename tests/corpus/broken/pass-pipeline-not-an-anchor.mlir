// A pass name used as if it were an op anchor.
// nn-opt: --pass-pipeline=bufferize(cse)
// api: compile pipeline=bufferize(cse)
// error: is not an op anchor
func.func @f() {
  func.return
}
