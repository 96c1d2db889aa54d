// A pass pipeline whose parenthesis never closes.
// nn-opt: --pass-pipeline=builtin.module(bufferize
// api: compile pipeline=builtin.module(bufferize
// error: missing ')' in pass pipeline
func.func @f() {
  func.return
}
