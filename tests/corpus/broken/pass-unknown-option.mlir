// An option the pass does not have.
// nn-opt: -p bufferize{bogus=1}
// api: compile pipeline=bufferize{bogus=1}
// error: bad options for pass 'bufferize'
func.func @f() {
  func.return
}
