func.func @sum(%A: memref<16xf32>, %lb: index, %ub: index) -> f32 {
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %lb to %ub step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %A[%i] : memref<16xf32>
    %pos = arith.cmpf ogt, %v, %zero : f32
    %x = scf.if %pos -> (f32) {
      scf.yield %v : f32
    } else {
      %n = arith.negf %v : f32
      scf.yield %n : f32
    }
    %r = arith.addf %acc, %x : f32
    scf.yield %r : f32
  }
  func.return %s : f32
}
