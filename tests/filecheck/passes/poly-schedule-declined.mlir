// RUN: nn-opt %s --split-input-file -p poly-schedule --verify-diagnostics | filecheck %s

// Loop nests the polyhedral model cannot represent are left as they are, with a
// remark on the nest naming the op and the reason.

// A memref.load is an access with no affine index map.
// CHECK-LABEL: func.func @non_affine_access
// CHECK: memref.load
func.func @non_affine_access(%A: memref<16xf32>, %B: memref<16xf32>) {
  // expected-remark @+1 {{loop nest not scheduled: 'memref.load' op at}}
  affine.for %i = 0 to 16 {
    %v = memref.load %A[%i] : memref<16xf32>
    affine.store %v, %B[%i] : memref<16xf32>
  }
  func.return
}

// -----

// An index computed from memory is not affine.
// CHECK-LABEL: func.func @indirect_index
// CHECK: affine.for %i = 0 to 16 {
func.func @indirect_index(%Idx: memref<16xi64>, %A: memref<16xf32>, %B: memref<16xf32>) {
  // expected-remark @+1 {{has an index that is not affine}}
  affine.for %i = 0 to 16 {
    %j = affine.load %Idx[%i] : memref<16xi64>
    %k = arith.index_cast %j : i64 to index
    %v = affine.load %A[%k] : memref<16xf32>
    affine.store %v, %B[%i] : memref<16xf32>
  }
  func.return
}

// -----

// A call may touch any memory.
// CHECK-LABEL: func.func @with_call
// CHECK: func.call @touch
func.func private @touch(memref<16xf32>) -> ()
func.func @with_call(%A: memref<16xf32>) {
  // expected-remark @+1 {{'func.call' op at}}
  affine.for %i = 0 to 16 {
    func.call @touch(%A) : (memref<16xf32>) -> ()
  }
  func.return
}

// -----

// Values carried in registers (iter_args) are not modelled.
// CHECK-LABEL: func.func @carried
// CHECK: iter_args
func.func @carried(%A: memref<16xf32>, %S: memref<1xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-remark @+1 {{carries values in iter_args}}
  %s = affine.for %i = 0 to 16 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %A[%i] : memref<16xf32>
    %n = arith.addf %acc, %v : f32
    affine.yield %n : f32
  }
  affine.store %s, %S[0] : memref<1xf32>
  func.return
}

// -----

// A value loaded in the outer loop and used in the inner one would have to be
// kept across statements that the schedule may reorder.
// CHECK-LABEL: func.func @value_across_statements
// CHECK: affine.for %i = 0 to 8 {
// CHECK-NEXT: %a = affine.load %A[%i]
func.func @value_across_statements(%A: memref<8xf32>, %B: memref<8x8xf32>) {
  // expected-remark @+1 {{value %a defined by 'affine.load' op at}}
  affine.for %i = 0 to 8 {
    %a = affine.load %A[%i] : memref<8xf32>
    affine.for %j = 0 to 8 {
      affine.store %a, %B[%i, %j] : memref<8x8xf32>
    }
  }
  func.return
}

// -----

// Only the nest that cannot be modelled is left alone: the next one is scheduled.
// CHECK-LABEL: func.func @one_of_two
// CHECK: memref.load
// CHECK: } {nnopt.simd}
func.func @one_of_two(%A: memref<16xf32>, %B: memref<16xf32>) {
  // expected-remark @+1 {{is an access that is not affine}}
  affine.for %i = 0 to 16 {
    %v = memref.load %A[%i] : memref<16xf32>
    affine.store %v, %B[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %v = affine.load %B[%i] : memref<16xf32>
    affine.store %v, %A[%i] : memref<16xf32>
  }
  func.return
}
