// RUN: NNOPT_ROUNDTRIP
// RUN: nn-opt %s --split-input-file | filecheck %s

// CHECK-LABEL: func.func @fused
// CHECK-NEXT:    %y = graph.fused %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
// CHECK-NEXT:    ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>, %c: tensor<16xf32>):
// CHECK-NEXT:      %m = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      %s = graph.add %m, %c : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      %r = graph.relu %s : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      graph.yield %r : tensor<4x16xf32>
// CHECK-NEXT:    }
func.func @fused(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = graph.fused %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
  ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>, %c: tensor<16xf32>):
    %m = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    %s = graph.add %m, %c : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %r = graph.relu %s : (tensor<4x16xf32>) -> tensor<4x16xf32>
    graph.yield %r : tensor<4x16xf32>
  }
  func.return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @blocked
// CHECK-NEXT:    %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %w = graph.layout %k {from = "OIHW", to = "OIHW16i16o"} : (tensor<32x32x3x3xf32>) -> tensor<2x2x3x3x16x16xf32>
// CHECK-NEXT:    %y = graph.conv2d_nchwc %b, %w, %bias {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>, tensor<2x16xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %s = graph.conv2d_nchwc %y, %w {strides = array<i64: 2, 2>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>) -> tensor<1x2x3x3x16xf32>
// CHECK-NEXT:    %z = graph.layout %s {from = "NCHW16c", to = "NCHW8c"} : (tensor<1x2x3x3x16xf32>) -> tensor<1x4x3x3x8xf32>
func.func @blocked(%x: tensor<1x32x8x8xf32>, %k: tensor<32x32x3x3xf32>, %bias: tensor<2x16xf32>) -> tensor<1x4x3x3x8xf32> {
  %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
  %w = graph.layout %k {from = "OIHW", to = "OIHW16i16o"} : (tensor<32x32x3x3xf32>) -> tensor<2x2x3x3x16x16xf32>
  %y = graph.conv2d_nchwc %b, %w, %bias {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>, tensor<2x16xf32>) -> tensor<1x2x8x8x16xf32>
  %s = graph.conv2d_nchwc %y, %w {strides = array<i64: 2, 2>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>) -> tensor<1x2x3x3x16xf32>
  %z = graph.layout %s {from = "NCHW16c", to = "NCHW8c"} : (tensor<1x2x3x3x16xf32>) -> tensor<1x4x3x3x8xf32>
  func.return %z : tensor<1x4x3x3x8xf32>
}
