// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<4x16xf32>
  // CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<4x16xf32>) -> tensor<4x16xf32>
  // CHECK: %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[F]] : tensor<4x16xf32>) {
  // CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
  // CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f32
  // CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
  // CHECK-NEXT:   linalg.yield %[[S]] : f32
  // CHECK-NEXT: } -> tensor<4x16xf32>
  %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  // CHECK-NOT: graph.
  func.return %c : tensor<4x16xf32>
}

// -----

// numpy broadcasting: the bias is indexed by the inner loop only, the size-1
// dim of %col by the constant 0.
// CHECK-LABEL: func.func @add_broadcast
func.func @add_broadcast(%x: tensor<4x16xf32>, %b: tensor<16xf32>, %col: tensor<4x1xf32>) -> tensor<4x16xf32> {
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
  // CHECK: arith.addf
  %y = graph.add %x, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
  %z = graph.add %y, %col : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  func.return %z : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @relu_and_constant
func.func @relu_and_constant(%x: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: %w = arith.constant dense<[1.000000e+00, -2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  %w = graph.constant dense<[1.0, -2.0, 3.0]> : tensor<3xf32>
  %s = graph.add %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  // CHECK: linalg.generic
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[R:.*]] = arith.maximumf %{{.*}}, %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[R]] : f32
  %r = graph.relu %s : (tensor<3xf32>) -> tensor<3xf32>
  func.return %r : tensor<3xf32>
}

// -----

// numpy matmul semantics: batch dims broadcast (size-1 batch -> index 0), a 1-D
// rhs is a vector without its own loop.
// CHECK-LABEL: func.func @batched
func.func @batched(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %v: tensor<8xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x1x4xf32>) {
  // CHECK: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
  %c = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]
  %d = graph.matmul %a, %v : (tensor<2x1x4x8xf32>, tensor<8xf32>) -> tensor<2x1x4xf32>
  func.return %c, %d : tensor<2x3x4x5xf32>, tensor<2x1x4xf32>
}

// -----

// The pass must not touch IR without graph ops.
// CHECK-LABEL: func.func @no_graph_ops
// CHECK-NEXT: %s = arith.addf %x, %x : f32
// CHECK-NEXT: func.return %s : f32
func.func @no_graph_ops(%x: f32) -> f32 {
  %s = arith.addf %x, %x : f32
  func.return %s : f32
}
