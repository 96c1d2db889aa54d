// The same SSA name defined twice.
// error: already defined
func.func @f() {
  %x = arith.constant 1.0 : f32
  %x = arith.constant 2.0 : f32
  func.return
}
