// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// graph.layout is one copying generic whose input map re-blocks: into blocks by
// multiplying the block index, out of them by floordiv and mod (both to change
// the block size).
// CHECK-LABEL: func.func @layouts
// CHECK:         %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, ((d1 * 16) + d4), d2, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>]
// CHECK-SAME:      ins(%x : tensor<1x32x2x2xf32>)
// CHECK:         %w = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (((d0 * 8) + d5), ((d1 * 4) + d4), d2, d3)>
// CHECK:         %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, (d1 floordiv 16), d2, d3, (d1 mod 16))>
// CHECK:         %z = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, (((d1 * 8) + d4) floordiv 16), d2, d3, (((d1 * 8) + d4) mod 16))>
func.func @layouts(%x: tensor<1x32x2x2xf32>, %k: tensor<16x8x3x3xf32>, %bx: tensor<1x2x2x2x16xf32>) -> (tensor<1x2x2x2x16xf32>, tensor<2x2x3x3x4x8xf32>, tensor<1x32x2x2xf32>, tensor<1x4x2x2x8xf32>) {
  %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x2x2xf32>) -> tensor<1x2x2x2x16xf32>
  %w = graph.layout %k {from = "OIHW", to = "OIHW4i8o"} : (tensor<16x8x3x3xf32>) -> tensor<2x2x3x3x4x8xf32>
  %y = graph.layout %bx {from = "NCHW16c", to = "NCHW"} : (tensor<1x2x2x2x16xf32>) -> tensor<1x32x2x2xf32>
  %z = graph.layout %bx {from = "NCHW16c", to = "NCHW8c"} : (tensor<1x2x2x2x16xf32>) -> tensor<1x4x2x2x8xf32>
  func.return %b, %w, %y, %z : tensor<1x2x2x2x16xf32>, tensor<2x2x3x3x4x8xf32>, tensor<1x32x2x2xf32>, tensor<1x4x2x2x8xf32>
}

// -----

// The blocked convolution: padding of the spatial dims only, the bias broadcast
// over (n, fb, oh, ow, fi) from (fb, fi), one generic over
// (n, fb, oh, ow, fi, cb, kh, kw, ci): the parallel loops, then the reductions.
// CHECK-LABEL: func.func @conv_nchwc
// CHECK:         tensor.insert_slice %x into %{{.*}}[0, 0, 1, 1, 0] [1, 2, 4, 4, 8] [1, 1, 1, 1, 1] : tensor<1x2x4x4x8xf32> into tensor<1x2x6x6x8xf32>
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d1, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>]
// CHECK-SAME:      ins(%b : tensor<3x8xf32>)
// CHECK:         %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d5, ((d2 * 2) + d6), ((d3 * 2) + d7), d8)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d5, d6, d7, d8, d4)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
func.func @conv_nchwc(%x: tensor<1x2x4x4x8xf32>, %w: tensor<3x2x3x3x8x8xf32>, %b: tensor<3x8xf32>) -> tensor<1x3x2x2x8xf32> {
  %y = graph.conv2d_nchwc %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4x8xf32>, tensor<3x2x3x3x8x8xf32>, tensor<3x8xf32>) -> tensor<1x3x2x2x8xf32>
  func.return %y : tensor<1x3x2x2x8xf32>
}
