// An op that the arith dialect does not have.
// error: arith.frobnicate
func.func @f(%a: f32) -> f32 {
  %b = arith.frobnicate %a : f32
  func.return %b : f32
}
