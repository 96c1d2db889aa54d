// Storing an f64 into a memref of f32.
// error: memref.store
func.func @f(%a: memref<4xf32>, %x: f64) {
  %c0 = arith.constant 0 : index
  memref.store %x, %a[%c0] : memref<4xf32>
  func.return
}
