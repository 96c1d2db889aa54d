// A kernel argument with a strided layout: a contiguous numpy array of its shape
// does not hold the elements the layout addresses.
// nn-opt: none (the C is valid; only calling it on numpy arrays is impossible)
// error: has the layout strided
func.func @f(%a: memref<2x2xf32, strided<[4, 1], offset: 1>>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  memref.store %z, %a[%c0, %c0] : memref<2x2xf32, strided<[4, 1], offset: 1>>
  func.return
}
