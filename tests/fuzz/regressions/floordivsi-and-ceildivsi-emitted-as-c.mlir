// arith.floordivsi and arith.ceildivsi had no C: the C emitter now calls its rounding helpers (found by the affine fuzzer).
// fuzz-function: f
// fuzz-inputs: seed=0 scalars=
// fuzz-variant: level=0 target=native pipeline=
func.func @f(%A0: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ci0 = arith.constant 0 : i32
  %cim1 = arith.constant -1 : i32
  %cf0 = arith.constant 0.0 : f32
  %cf4 = arith.constant 4.0 : f32
  scf.for %i1 = %c0 to %c0 step %c1 {
    %k2 = arith.index_cast %i1 : index to i32
    %k3 = arith.subi %k2, %ci0 : i32
    %k4 = arith.floordivsi %k3, %cim1 : i32
    %v5 = arith.sitofp %k4 : i32 to f32
    %p6 = arith.cmpf ogt, %v5, %cf0 : f32
    scf.if %p6 {
      affine.store %v5, %A0[0] : memref<1xf32>
    }
  }
  func.return
}
