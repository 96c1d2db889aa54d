// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// Convolution: the padded input is a zero-filled tensor with the input inserted,
// the output starts as the bias broadcast over (n, f, oh, ow), and one generic
// reduces over (c, kh, kw). The group of output channel f picks the input
// channels: (f floordiv 3) * 2 + c; strides and dilations scale the window maps.
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK:      %[[E:.*]] = tensor.empty() : tensor<1x4x9x7xf32>
// CHECK:      %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<1x4x9x7xf32>)
// CHECK:      %[[P:.*]] = tensor.insert_slice %x into %[[Z]][0, 0, 1, 0] [1, 4, 7, 7] [1, 1, 1, 1] : tensor<1x4x7x7xf32> into tensor<1x4x9x7xf32>
// CHECK:      %[[B:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<6xf32>)
// CHECK:      %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, (((d1 floordiv 3) * 2) + d4), ((d2 * 2) + d5), ((d3 * 2) + (d6 * 2)))>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[P]], %w : tensor<1x4x9x7xf32>, tensor<6x2x3x3xf32>) outs(%[[B]] : tensor<1x6x4x2xf32>)
// CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[W:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[X]], %[[W]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
func.func @conv2d_grouped(%x: tensor<1x4x7x7xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x2xf32> {
  %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 2>, group = 2 : i64} : (tensor<1x4x7x7xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x2xf32>
  func.return %c : tensor<1x6x4x2xf32>
}

// -----

// Without padding there is no padded copy, without bias the output is zero-filled,
// and with one group the channel is the loop index itself.
// CHECK-LABEL: func.func @conv2d_plain
// CHECK-NOT:  tensor.insert_slice
// CHECK:      %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x6x6xf32>)
// CHECK:      linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, (d2 + d5), (d3 + d6))>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%[[F]] : tensor<1x4x6x6xf32>)
func.func @conv2d_plain(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

// Max pooling pads with -inf and reduces over a shape-only window operand that
// gives the (kh, kw) loops their range.
// CHECK-LABEL: func.func @max_pool
// CHECK:      %[[NEGINF:.*]] = arith.constant 0xff800000 : f32
// CHECK:      %[[PF:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x2x10x10xf32>)
// CHECK:      %[[P:.*]] = tensor.insert_slice %x into %[[PF]][0, 0, 1, 1] [1, 2, 8, 8] [1, 1, 1, 1]
// CHECK:      %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK:      %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x4x4xf32>)
// CHECK:      %m = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, ((d2 * 2) + d4), ((d3 * 2) + d5))>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[P]], %[[WIN]] : tensor<1x2x10x10xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x4x4xf32>)
// CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[MAX:.*]] = arith.maximumf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:   linalg.yield %[[MAX]] : f32
func.func @max_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  func.return %m : tensor<1x2x4x4xf32>
}

// -----

// Average pooling sums zero-padded windows, then divides by the count of input
// positions: a constant vector for the padded dim (rows), the kernel width (2)
// for the unpadded one.
// CHECK-LABEL: func.func @avg_pool
// CHECK:      %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK:        arith.addf
// CHECK:      %[[ROWS:.*]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00]> : tensor<4xf32>
// CHECK:      %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[SUM]], %[[ROWS]] : tensor<1x2x4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^{{.*}}(%[[S:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:   %[[COUNT:.*]] = arith.mulf %[[C]], %[[TWO]] : f32
// CHECK-NEXT:   %[[Q:.*]] = arith.divf %[[S]], %[[COUNT]] : f32
// CHECK-NEXT:   linalg.yield %[[Q]] : f32
func.func @avg_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 0>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  func.return %a : tensor<1x2x4x4xf32>
}

// -----

// A dilated window reads every second row; the count of input positions per
// output row leaves out the taps that fall in the padding.
// CHECK-LABEL: func.func @dilated_avg_pool
// CHECK:      linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, (d2 + (d4 * 2)), (d3 + d5))>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
// CHECK:      arith.constant dense<[2.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<6xf32>
func.func @dilated_avg_pool(%x: tensor<1x1x6x3xf32>) -> tensor<1x1x6x3xf32> {
  %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 1>, pads = array<i64: 2, 0, 2, 0>, dilations = array<i64: 2, 1>} : (tensor<1x1x6x3xf32>) -> tensor<1x1x6x3xf32>
  func.return %a : tensor<1x1x6x3xf32>
}

// -----

// With count_include_pad every window divides by the kernel size.
// CHECK-LABEL: func.func @avg_pool_count_include_pad
// CHECK-NOT:  arith.constant dense
// CHECK:      %a = linalg.generic
// CHECK:        %[[K:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT:   arith.divf %{{.*}}, %[[K]] : f32
func.func @avg_pool_count_include_pad(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 0>, count_include_pad = true} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  func.return %a : tensor<1x2x4x4xf32>
}

// -----

// Global average pooling: a keepdims sum over the spatial dims, then a division.
// CHECK-LABEL: func.func @global_avg_pool
// CHECK:      %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<1x2x8x8xf32>)
// CHECK:      %g = linalg.generic {{.*}} ins(%[[S]] : tensor<1x2x1x1xf32>)
// CHECK:        %[[N:.*]] = arith.constant 6.400000e+01 : f32
// CHECK-NEXT:   arith.divf %{{.*}}, %[[N]] : f32
func.func @global_avg_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x1x1xf32> {
  %g = graph.global_avg_pool %x : (tensor<1x2x8x8xf32>) -> tensor<1x2x1x1xf32>
  func.return %g : tensor<1x2x1x1xf32>
}
