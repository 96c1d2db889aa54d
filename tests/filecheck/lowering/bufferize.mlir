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

// -----

// tensor.insert_slice copies its source into a subview of the destination's
// buffer; concatenation builds straight into the output, in place.
// CHECK-LABEL: func.func @concat_in_place
// CHECK-SAME: (%a: memref<2x3xf32>, %b: memref<2x5xf32>, %out: memref<2x8xf32>)
// CHECK-NEXT: %[[L:.*]] = memref.subview %out[0, 0] [2, 3] [1, 1] : memref<2x8xf32> to memref<2x3xf32, strided<[8, 1]>>
// CHECK-NEXT: "memref.copy"(%a, %[[L]])
// CHECK-NEXT: %[[R:.*]] = memref.subview %out[0, 3] [2, 5] [1, 1] : memref<2x8xf32> to memref<2x5xf32, strided<[8, 1], offset: 3>>
// CHECK-NEXT: "memref.copy"(%b, %[[R]])
// CHECK-NEXT: func.return
func.func @concat_in_place(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = tensor.insert_slice %a into %e[0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x8xf32>
  %c = tensor.insert_slice %b into %0[0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x8xf32>
  func.return %c : tensor<2x8xf32>
}

// -----

// Inserting in place must not apply when the destination's old value is still
// used (here returned): the insertion goes into a copy of it.
// CHECK-LABEL: func.func @insert_keeps_old_value
// CHECK-SAME: (%a: memref<2xf32>, %out0: memref<4xf32>, %out1: memref<4xf32>)
// CHECK:      linalg.fill ins(%{{.*}} : f32) outs(%out1 : memref<4xf32>)
// CHECK-NEXT: "memref.copy"(%out1, %out0)
// CHECK-NEXT: %[[W:.*]] = memref.subview %out0[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
// CHECK-NEXT: "memref.copy"(%a, %[[W]])
func.func @insert_keeps_old_value(%a: tensor<2xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %i = tensor.insert_slice %a into %f[1] [2] [1] : tensor<2xf32> into tensor<4xf32>
  func.return %i, %f : tensor<4xf32>, tensor<4xf32>
}

// -----

// Nor when the inserted value is a view of the destination's own buffer: the
// source is read from the unmodified buffer, the insertion writes a copy.
// CHECK-LABEL: func.func @insert_from_own_buffer
// CHECK:      %[[E:.*]] = memref.alloc()
// CHECK:      linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : memref<4xf32>)
// CHECK-NEXT: %[[HEAD:.*]] = memref.subview %[[E]][0] [2] [1]
// CHECK-NEXT: "memref.copy"(%[[E]], %out)
// CHECK-NEXT: %[[TAIL:.*]] = memref.subview %out[2] [2] [1]
// CHECK-NEXT: "memref.copy"(%[[HEAD]], %[[TAIL]])
func.func @insert_from_own_buffer() -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %z = arith.constant 1.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %s = tensor.extract_slice %f[0] [2] [1] : tensor<4xf32> to tensor<2xf32>
  %i = tensor.insert_slice %s into %f[2] [2] [1] : tensor<2xf32> into tensor<4xf32>
  func.return %i : tensor<4xf32>
}

// -----

// tensor.extract_slice is a strided view, read in place by the op that uses it.
// CHECK-LABEL: func.func @slice_is_a_view
// CHECK-NEXT: %[[V:.*]] = memref.subview %x[1, 1] [2, 4] [1, 1] : memref<4x6xf32> to memref<2x4xf32, strided<[6, 1], offset: 7>>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[V]] : memref<2x4xf32, strided<[6, 1], offset: 7>>) outs(%out : memref<2x4xf32>)
func.func @slice_is_a_view(%x: tensor<4x6xf32>) -> tensor<2x4xf32> {
  %s = tensor.extract_slice %x[1, 1] [2, 4] [1, 1] : tensor<4x6xf32> to tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.negf %a : f32
    linalg.yield %t : f32
  } -> tensor<2x4xf32>
  func.return %n : tensor<2x4xf32>
}

// -----

// A reshape views its source, except that a strided source (a slice) is first
// copied to a contiguous buffer: collapsing a strided view is not a view. That
// buffer is returned reshaped, so it is the output seen with its shape.
// CHECK-LABEL: func.func @slice_then_reshape
// CHECK-NEXT: %[[O:.*]] = memref.expand_shape %out {{\[}}[0 : i64, 1 : i64]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
// CHECK-NEXT: %[[V:.*]] = memref.subview %x[1, 1] [2, 4] [1, 1]
// CHECK-NEXT: "memref.copy"(%[[V]], %[[O]])
// CHECK-NEXT: func.return
func.func @slice_then_reshape(%x: tensor<4x6xf32>) -> tensor<8xf32> {
  %s = tensor.extract_slice %x[1, 1] [2, 4] [1, 1] : tensor<4x6xf32> to tensor<2x4xf32>
  %r = tensor.collapse_shape %s [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  func.return %r : tensor<8xf32>
}

// -----

// A reshape of a contiguous buffer stays a view (no copy).
// CHECK-LABEL: func.func @reshape_is_a_view
// CHECK-NEXT: %[[R:.*]] = memref.expand_shape %x {{\[}}[0 : i64, 1 : i64]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[R]] : memref<2x4xf32>) outs(%out : memref<2x4xf32>)
func.func @reshape_is_a_view(%x: tensor<8xf32>) -> tensor<2x4xf32> {
  %r = tensor.expand_shape %x [[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.negf %a : f32
    linalg.yield %t : f32
  } -> tensor<2x4xf32>
  func.return %n : tensor<2x4xf32>
}

// -----

// A buffer built here and returned through reshapes is built in the output,
// seen through the inverse reshapes: no copy (an im2col GEMM's [F, OH*OW]
// result returned as [F, OH, OW]).
// CHECK-LABEL: func.func @built_then_reshaped
// CHECK-NEXT: %[[E:.*]] = memref.collapse_shape %out {{\[}}[0 : i64, 1 : i64]] : memref<2x4xf32> into memref<8xf32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%x : memref<8xf32>) outs(%[[E]] : memref<8xf32>)
// CHECK:      func.return
// CHECK-NOT:  memref.copy
func.func @built_then_reshaped(%x: tensor<8xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.negf %a : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  %r = tensor.expand_shape %n [[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

// Returned twice: built in the first output, copied to the second through the
// reshaped view.
// CHECK-LABEL: func.func @returned_twice
// CHECK-NEXT: %[[E:.*]] = memref.collapse_shape %out0
// CHECK-NEXT: linalg.generic {{.*}} outs(%[[E]] : memref<8xf32>)
// CHECK:      %[[R:.*]] = memref.expand_shape %[[E]] {{\[}}[0 : i64, 1 : i64]] output_shape [2, 4]
// CHECK-NEXT: "memref.copy"(%[[R]], %out1)
// CHECK-NEXT: func.return
func.func @returned_twice(%x: tensor<8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.negf %a : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  %r = tensor.expand_shape %n [[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
  func.return %r, %r : tensor<2x4xf32>, tensor<2x4xf32>
}
