// An operand whose type differs from the one the op states.
// error: f32
func.func @f(%a: f32) -> i32 {
  %b = arith.addi %a, %a : i32
  func.return %b : i32
}
