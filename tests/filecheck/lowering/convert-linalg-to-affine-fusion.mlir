// RUN: nn-opt %s --split-input-file -p convert-linalg-to-affine --verify-diagnostics | filecheck %s

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A fusion group (zero fill, matmul, bias add, relu) is one nest: the parallel
// loops, the reduction carrying the accumulator from the fill's value, the
// epilogue on the value in registers, one store. The accumulator buffer is gone.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-NEXT:    %zero = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    affine.for %i = 0 to 4 {
// CHECK-NEXT:      affine.for %j = 0 to 16 {
// CHECK-NEXT:        %[[SUM:.*]] = affine.for %k = 0 to 8 iter_args(%[[ACC:.*]] = %zero) -> (f32) {
// CHECK-NEXT:          %a = affine.load %A[%i, %k] : memref<4x8xf32>
// CHECK-NEXT:          %b = affine.load %B[%k, %j] : memref<8x16xf32>
// CHECK-NEXT:          %p = arith.mulf %a, %b : f32
// CHECK-NEXT:          %[[S:.*]] = arith.addf %[[ACC]], %p : f32
// CHECK-NEXT:          affine.yield %[[S]] : f32
// CHECK-NEXT:        }
// CHECK-NEXT:        %c = affine.load %bias[%j] : memref<16xf32>
// CHECK-NEXT:        %[[T:.*]] = arith.addf %[[SUM]], %c : f32
// CHECK-NEXT:        %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:        %[[R:.*]] = arith.maximumf %[[T]], %[[Z]] : f32
// CHECK-NEXT:        affine.store %[[R]], %out[%i, %j] : memref<4x16xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @matmul_bias_relu(%A: memref<4x8xf32>, %B: memref<8x16xf32>, %bias: memref<16xf32>, %out: memref<4x16xf32>) {
  %acc = memref.alloc() : memref<4x16xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill {nnopt.fusion_group = 0 : i64} ins(%zero : f32) outs(%acc : memref<4x16xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>) outs(%acc : memref<4x16xf32>) attrs = {nnopt.fusion_group = 0 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%acc, %bias : memref<4x16xf32>, memref<16xf32>) outs(%out : memref<4x16xf32>) attrs = {nnopt.fusion_group = 0 : i64} {
  ^bb0(%v: f32, %c: f32, %o: f32):
    %t = arith.addf %v, %c : f32
    linalg.yield %t : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%out : memref<4x16xf32>) outs(%out : memref<4x16xf32>) attrs = {nnopt.fusion_group = 0 : i64} {
  ^bb0(%v: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %v, %z : f32
    linalg.yield %r : f32
  }
  memref.dealloc %acc : memref<4x16xf32>
  func.return
}

// A buffer of the group that is read after it is stored too; without an
// initialising op, the accumulator starts from the buffer's contents.
// CHECK-LABEL: func.func @kept_intermediate
// CHECK:         affine.for %i = 0 to 4 {
// CHECK-NEXT:      affine.for %j = 0 to 16 {
// CHECK-NEXT:        %[[INIT:.*]] = affine.load %acc[%i, %j] : memref<4x16xf32>
// CHECK-NEXT:        %[[SUM:.*]] = affine.for %k = 0 to 8 iter_args(%{{.*}} = %[[INIT]]) -> (f32) {
// CHECK:             %[[E:.*]] = math.exp %[[SUM]] : f32
// CHECK-NEXT:        affine.store %[[SUM]], %acc[%i, %j] : memref<4x16xf32>
// CHECK-NEXT:        affine.store %[[E]], %out[%i, %j] : memref<4x16xf32>
func.func @kept_intermediate(%A: memref<4x8xf32>, %B: memref<8x16xf32>, %acc: memref<4x16xf32>, %out: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>) outs(%acc : memref<4x16xf32>) attrs = {nnopt.fusion_group = 3 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<4x16xf32>) outs(%out : memref<4x16xf32>) attrs = {nnopt.fusion_group = 3 : i64} {
  ^bb0(%v: f32, %o: f32):
    %e = math.exp %v : f32
    linalg.yield %e : f32
  }
  func.return
}

// -----

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// Must not apply: the epilogue reads the product transposed (another output
// element); an op between the group's ops reads its buffer; two reductions.
// Each op becomes its own nest.
// CHECK-LABEL: func.func @declined
// CHECK-NOT:     iter_args
// CHECK-NOT:     linalg.
func.func @declined(%A: memref<4x4xf32>, %acc: memref<4x4xf32>, %out: memref<4x4xf32>, %copy: memref<4x4xf32>) {
  // expected-remark @+1 {{not fused into one loop nest: 'linalg.generic' reads a buffer the group writes at another index}}
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %A : memref<4x4xf32>, memref<4x4xf32>) outs(%acc : memref<4x4xf32>) attrs = {nnopt.fusion_group = 0 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<4x4xf32>) outs(%out : memref<4x4xf32>) attrs = {nnopt.fusion_group = 0 : i64} {
  ^bb0(%v: f32, %o: f32):
    %e = math.exp %v : f32
    linalg.yield %e : f32
  }
  // expected-remark @+1 {{not fused into one loop nest: 'memref.copy' between the group's ops uses its buffers}}
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %A : memref<4x4xf32>, memref<4x4xf32>) outs(%acc : memref<4x4xf32>) attrs = {nnopt.fusion_group = 1 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  "memref.copy"(%acc, %copy) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<4x4xf32>) outs(%out : memref<4x4xf32>) attrs = {nnopt.fusion_group = 1 : i64} {
  ^bb0(%v: f32, %o: f32):
    %e = math.exp %v : f32
    linalg.yield %e : f32
  }
  // expected-remark @+1 {{not fused into one loop nest: the group has 2 reductions, expected one contraction}}
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %A : memref<4x4xf32>, memref<4x4xf32>) outs(%acc : memref<4x4xf32>) attrs = {nnopt.fusion_group = 2 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %acc : memref<4x4xf32>, memref<4x4xf32>) outs(%out : memref<4x4xf32>) attrs = {nnopt.fusion_group = 2 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  func.return
}
