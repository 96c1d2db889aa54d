// func.return of a value whose type is not the function's result type.
// error: f32
func.func @f(%a: f32) -> f64 {
  func.return %a : f32
}
