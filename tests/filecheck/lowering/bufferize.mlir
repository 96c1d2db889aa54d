// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg,bufferize | filecheck %s

// Results become output arguments; the last op writes straight into the output,
// intermediate buffers are allocated and freed.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: (%x: memref<4xf32>, %out: memref<4xf32>) attributes {nnopt.outputs = 1 : i64}
// CHECK: %s = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK: linalg.generic {{.*}} ins(%x, %x : memref<4xf32>, memref<4xf32>) outs(%s : memref<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%s : memref<4xf32>) outs(%out : memref<4xf32>)
// CHECK: memref.dealloc %s : memref<4xf32>
// CHECK-NEXT: func.return
func.func @in_place(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = graph.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = graph.relu %s : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}

// -----

// Constant tensors become private constant globals; returning an argument copies it.
// CHECK: "memref.global"() <{sym_name = "__constant_0", type = memref<3xf32>, initial_value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, sym_visibility = "private", constant}>
// CHECK-LABEL: func.func @constant_and_arg_result
// CHECK-SAME: (%x: memref<3xf32>, %out0: memref<3xf32>, %out1: memref<3xf32>) attributes {nnopt.outputs = 2 : i64}
// CHECK: %w = memref.get_global @__constant_0 : memref<3xf32>
// CHECK: ins(%x, %w : memref<3xf32>, memref<3xf32>) outs(%out0 : memref<3xf32>)
// CHECK: "memref.copy"(%x, %out1)
func.func @constant_and_arg_result(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %w = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %s = graph.add %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %s, %x : tensor<3xf32>, tensor<3xf32>
}

// -----

// Writing in place must not apply when the old value is read later: %f is read by
// the last op, so %g gets a copy of it instead of overwriting it.
// CHECK-LABEL: func.func @read_after_write
// CHECK: %[[F:.*]] = memref.alloc()
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[F]] : memref<4xf32>)
// CHECK: %[[G:.*]] = memref.alloc()
// CHECK: "memref.copy"(%[[F]], %[[G]])
// CHECK: ins(%x : memref<4xf32>) outs(%[[G]] : memref<4xf32>)
// CHECK: ins(%[[G]], %[[F]] : memref<4xf32>, memref<4xf32>) outs(%out : memref<4xf32>)
func.func @read_after_write(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %c0 = arith.constant 1.0 : f32
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%g, %f : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  func.return %h : tensor<4xf32>
}

// -----

// An op must not write in place into a buffer it also reads through another
// operand (here a transpose of its own output buffer).
// CHECK-LABEL: func.func @reads_own_output
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[A:.*]] : memref<2x2xf32>)
// CHECK: ins(%[[A]] : memref<2x2xf32>) outs(%out : memref<2x2xf32>)
func.func @reads_own_output() -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x2xf32>
  %c = arith.constant 1.0 : f32
  %f = linalg.fill ins(%c : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%f : tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x2xf32>
  func.return %t : tensor<2x2xf32>
}

// -----

// Functions already on memrefs are left alone.
// CHECK-LABEL: func.func @already_memrefs(%x: memref<4xf32>) {
// CHECK-NEXT: func.return
func.func @already_memrefs(%x: memref<4xf32>) {
  func.return
}
