// A stack buffer of 400 TB: the C would compile, and crash when called.
// error: too large for the stack
func.func @f(%a: memref<4xf32>) {
  %t = memref.alloca() : memref<100000000000000xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xf32>
  memref.store %v, %t[%c0] : memref<100000000000000xf32>
  func.return
}
