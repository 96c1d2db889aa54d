// An SSA value named %intptr_t (or %free, %expf...) became a C variable hiding that type or function: the C emitter now renames such values (found by the affine fuzzer).
// fuzz-function: f
// fuzz-inputs: seed=0 scalars=
// fuzz-variant: level=0 target=native pipeline=
func.func @f(%A0: memref<1x1xf32>) {
  %cf0 = arith.constant 0.0 : f32
  %cf4 = arith.constant 4.0 : f32
  %v1 = affine.load %A0[0, 0] : memref<1x1xf32>
  affine.store %v1, %A0[0, 0] : memref<1x1xf32>
  affine.for %i2 = 0 to 0 {
    affine.for %i3 = 0 to 0 {
      %free = affine.load %A0[0, 0] : memref<1x1xf32>
      affine.store %free, %A0[0, 0] : memref<1x1xf32>
      %v5 = affine.load %A0[0, 0] : memref<1x1xf32>
      affine.store %v5, %A0[0, 0] : memref<1x1xf32>
    }
  }
  %intptr_t = affine.load %A0[0, 0] : memref<1x1xf32>
  %r8 = affine.for %i7 = 0 to 0 iter_args(%acc9 = %intptr_t) -> (f32) {
    %v10 = arith.constant -3.0 : f32
    %s11 = arith.addf %acc9, %v10 : f32
    affine.yield %s11 : f32
  }
  affine.store %r8, %A0[0, 0] : memref<1x1xf32>
  func.return
}
