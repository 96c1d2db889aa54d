// With --allow-unregistered-dialect the op parses, but it cannot become C.
// nn-opt: --allow-unregistered-dialect -t c
// api: none (the API has no switch for unregistered dialects)
// error: 'mystery.op' op cannot be emitted as C
func.func @f() {
  "mystery.op"() : () -> ()
  func.return
}
