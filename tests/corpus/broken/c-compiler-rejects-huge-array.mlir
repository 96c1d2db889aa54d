// A global buffer larger than the C compiler accepts (2^62 floats).
// nn-opt: none (nn-opt prints C without compiling it)
// api: compile
// error: the C compiler rejected the generated code
"memref.global"() <{sym_name = "huge", type = memref<4611686018427387904xf32>, initial_value, sym_visibility = "private"}> : () -> ()
func.func @f(%a: memref<4xf32>) {
  %g = memref.get_global @huge : memref<4611686018427387904xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xf32>
  memref.store %v, %g[%c0] : memref<4611686018427387904xf32>
  func.return
}
