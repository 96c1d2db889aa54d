// RUN: nn-opt %s --split-input-file -p graph-conv-strategy | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'graph-conv-strategy{strategy=direct}' | filecheck %s --check-prefix=DIRECT

// A small 3x3 output (14 < two AVX-512 vectors): im2col + matmul; the bias is
// broadcast over the pixels.
// CHECK-LABEL: func.func @small
// CHECK:      %[[W:.*]] = graph.reshape %w : (tensor<16x8x3x3xf32>) -> tensor<16x72xf32>
// CHECK-NEXT: %[[COLS:.*]] = graph.im2col %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x14x14xf32>) -> tensor<1x72x196xf32>
// CHECK-NEXT: %[[M:.*]] = graph.matmul %[[W]], %[[COLS]] : (tensor<16x72xf32>, tensor<1x72x196xf32>) -> tensor<1x16x196xf32>
// CHECK-NEXT: %[[R:.*]] = graph.reshape %[[M]] : (tensor<1x16x196xf32>) -> tensor<1x16x14x14xf32>
// CHECK-NEXT: %[[B:.*]] = graph.reshape %b : (tensor<16xf32>) -> tensor<16x1x1xf32>
// CHECK-NEXT: %y = graph.add %[[R]], %[[B]] : (tensor<1x16x14x14xf32>, tensor<16x1x1xf32>) -> tensor<1x16x14x14xf32>
// DIRECT-LABEL: func.func @small
// DIRECT: graph.conv2d
func.func @small(%x: tensor<1x8x14x14xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x14x14xf32> {
  %y = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x14x14xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x14x14xf32>
  func.return %y : tensor<1x16x14x14xf32>
}

// -----

// 1x1: a matmul on views of the input, whatever the strategy option says.
// CHECK-LABEL: func.func @pointwise
// CHECK:      %[[W:.*]] = graph.reshape %w : (tensor<4x8x1x1xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[X:.*]] = graph.reshape %x : (tensor<2x8x40x40xf32>) -> tensor<2x8x1600xf32>
// CHECK-NEXT: graph.matmul %[[W]], %[[X]] : (tensor<4x8xf32>, tensor<2x8x1600xf32>) -> tensor<2x4x1600xf32>
// DIRECT-LABEL: func.func @pointwise
// DIRECT: graph.matmul
func.func @pointwise(%x: tensor<2x8x40x40xf32>, %w: tensor<4x8x1x1xf32>) -> tensor<2x4x40x40xf32> {
  %y = graph.conv2d %x, %w : (tensor<2x8x40x40xf32>, tensor<4x8x1x1xf32>) -> tensor<2x4x40x40xf32>
  func.return %y : tensor<2x4x40x40xf32>
}

// -----

// Must not apply: wide stride-1 rows stay direct; so does a depthwise conv.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-2: graph.conv2d
func.func @kept(%x: tensor<1x16x56x56xf32>, %w: tensor<16x16x3x3xf32>, %d: tensor<16x1x3x3xf32>) -> (tensor<1x16x54x54xf32>, tensor<1x16x54x54xf32>) {
  %y = graph.conv2d %x, %w : (tensor<1x16x56x56xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x54x54xf32>
  %z = graph.conv2d %x, %d {group = 16 : i64} : (tensor<1x16x56x56xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x54x54xf32>
  func.return %y, %z : tensor<1x16x54x54xf32>, tensor<1x16x54x54xf32>
}
