// A data-dependent scf.while loop, which the C emitter does not take.
// error: scf.while
func.func @f(%n: i64) -> i64 {
  %c1 = arith.constant 1 : i64
  %r = scf.while (%x = %n) : (i64) -> i64 {
    %more = arith.cmpi sgt, %x, %c1 : i64
    scf.condition(%more) %x : i64
  } do {
  ^bb0(%x: i64):
    %y = arith.subi %x, %c1 : i64
    scf.yield %y : i64
  }
  func.return %r : i64
}
