// A file that is not UTF-8 text (a Latin-1 é in this comment).
// api: none (the API takes str: undecodable bytes cannot reach it)
// error: not valid UTF-8
func.func @f() {
  func.return
}
