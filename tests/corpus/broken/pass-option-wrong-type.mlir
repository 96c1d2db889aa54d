// A string option given a list.
// nn-opt: -p default-pipeline{target=1,2}
// api: compile pipeline=default-pipeline{target=1,2}
// error: default-pipeline
func.func @f() {
  func.return
}
