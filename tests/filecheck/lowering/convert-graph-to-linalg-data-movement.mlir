// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// Transpose is a copy whose input map is the inverse of perm: result dim i reads
// input dim perm[i], so input dim 0 (perm[1]) is read with d1.
// CHECK-LABEL: func.func @transpose
// CHECK:      %t = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2, d0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK-NEXT: ^{{.*}}(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   linalg.yield %[[IN]] : f32
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %t = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  func.return %t : tensor<4x2x3xf32>
}

// -----

// Reshape and flatten collapse to 1-D and expand to the target; a 1-D target
// needs no expand; a rank-0 source is copied into the (all-ones) target.
// CHECK-LABEL: func.func @reshapes
// CHECK:      %[[R1:.*]] = tensor.collapse_shape %x {{\[}}[0 : i64, 1 : i64, 2 : i64]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: %r = tensor.expand_shape %[[R1]] {{\[}}[0 : i64, 1 : i64]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK-NEXT: %[[F1:.*]] = tensor.collapse_shape %x
// CHECK-NEXT: %f = tensor.expand_shape %[[F1]] {{\[}}[0 : i64, 1 : i64]] output_shape [2, 12] : tensor<24xf32> into tensor<2x12xf32>
// CHECK-NEXT: %l = tensor.collapse_shape %x {{\[}}[0 : i64, 1 : i64, 2 : i64]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NOT:  tensor.expand_shape
// CHECK:      %o = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<f32>)
func.func @reshapes(%x: tensor<2x3x4xf32>, %s: tensor<f32>) -> (tensor<4x6xf32>, tensor<2x12xf32>, tensor<24xf32>, tensor<1x1xf32>) {
  %r = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  %f = graph.flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %l = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %o = graph.reshape %s : (tensor<f32>) -> tensor<1x1xf32>
  func.return %r, %f, %l, %o : tensor<4x6xf32>, tensor<2x12xf32>, tensor<24xf32>, tensor<1x1xf32>
}

// -----

// Concat inserts each operand into an empty result at its offset along the axis.
// CHECK-LABEL: func.func @concat
// CHECK:      %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK-NEXT: %[[A:.*]] = tensor.insert_slice %a into %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x8xf32>
// CHECK-NEXT: %c = tensor.insert_slice %b into %[[A]][0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x8xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %c = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  func.return %c : tensor<2x8xf32>
}

// -----

// Pad: negative pads crop first (extract_slice), the rest is a filled tensor with
// the (cropped) input inserted; all-zero pads leave the input as it is.
// CHECK-LABEL: func.func @pad
// CHECK:      %[[CROP:.*]] = tensor.extract_slice %x[1, 0] [2, 4] [1, 1] : tensor<3x5xf32> to tensor<2x4xf32>
// CHECK:      %[[V:.*]] = arith.constant 7.000000e+00 : f32
// CHECK-NEXT: %[[FILL:.*]] = linalg.fill ins(%[[V]] : f32) outs(%{{.*}} : tensor<4x6xf32>)
// CHECK-NEXT: %p = tensor.insert_slice %[[CROP]] into %[[FILL]][0, 2] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<4x6xf32>
// CHECK-NEXT: func.return %p, %x : tensor<4x6xf32>, tensor<3x5xf32>
func.func @pad(%x: tensor<3x5xf32>) -> (tensor<4x6xf32>, tensor<3x5xf32>) {
  %p = graph.pad %x {pads = array<i64: -1, 2, 2, -1>, value = 7.0 : f32} : (tensor<3x5xf32>) -> tensor<4x6xf32>
  %q = graph.pad %x {pads = array<i64: 0, 0, 0, 0>} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  func.return %p, %q : tensor<4x6xf32>, tensor<3x5xf32>
}
