// RUN: nn-opt %s -p 'poly-schedule{time-budget-ms=1 tile=false}' --verify-diagnostics | filecheck %s

// A scheduler that runs past its time budget is stopped; the original loop
// order is kept (and still gets its parallel loop marks).

// CHECK-LABEL: func.func @heat_1d_two_sweeps
// CHECK:      affine.for %[[T:.*]] = 0 to 4 {
// CHECK-NEXT:   affine.for %[[I:.*]] = 1 to 40001 {
// CHECK:          affine.store %{{.*}}, %B[%[[I]]]
// CHECK-NEXT:   } {nnopt.parallel}
// CHECK-NEXT:   affine.for %[[I2:.*]] = 1 to 40001 {
// CHECK:          affine.store %{{.*}}, %A[%[[I2]]]
// CHECK-NEXT:   } {nnopt.parallel}
// CHECK-NEXT: }
func.func @heat_1d_two_sweeps(%A: memref<40002xf32>, %B: memref<40002xf32>) {
  %third = arith.constant 0.33333 : f32
  // expected-remark @+1 {{keeping the original loop order: scheduling took longer than 0.001 s}}
  affine.for %t = 0 to 4 {
    affine.for %i = 1 to 40001 {
      %l = affine.load %A[%i - 1] : memref<40002xf32>
      %c = affine.load %A[%i] : memref<40002xf32>
      %r = affine.load %A[%i + 1] : memref<40002xf32>
      %s1 = arith.addf %l, %c : f32
      %s2 = arith.addf %s1, %r : f32
      %o = arith.mulf %third, %s2 : f32
      affine.store %o, %B[%i] : memref<40002xf32>
    }
    affine.for %i = 1 to 40001 {
      %l = affine.load %B[%i - 1] : memref<40002xf32>
      %c = affine.load %B[%i] : memref<40002xf32>
      %r = affine.load %B[%i + 1] : memref<40002xf32>
      %s1 = arith.addf %l, %c : f32
      %s2 = arith.addf %s1, %r : f32
      %o = arith.mulf %third, %s2 : f32
      affine.store %o, %A[%i] : memref<40002xf32>
    }
  }
  func.return
}
