// RUN: nn-opt %s --split-input-file -p graph-layout-nchwc --verify-diagnostics | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'graph-layout-nchwc{block=8}' | filecheck %s --check-prefix=BLOCK8
// RUN: not nn-opt %s --split-input-file -p 'graph-layout-nchwc{block=0}' 2>&1 | filecheck %s --check-prefix=BAD

// BAD: error: graph-layout-nchwc: block must be at least 1, got 0

// A residual block: the input is converted once (used by the first convolution
// and the residual add), the weights and bias are blocked, everything runs
// blocked, and the result is converted back once.
// CHECK-LABEL: func.func @residual
// CHECK-NEXT:    %x_nchw16c = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %w1_oihw16i16o = graph.layout %w1 {from = "OIHW", to = "OIHW16i16o"} : (tensor<32x32x3x3xf32>) -> tensor<2x2x3x3x16x16xf32>
// CHECK-NEXT:    %b1_c16c = graph.layout %b1 {from = "C", to = "C16c"} : (tensor<32xf32>) -> tensor<2x16xf32>
// CHECK-NEXT:    %w2_oihw16i16o = graph.layout %w2 {from = "OIHW", to = "OIHW16i16o"}
// CHECK-NEXT:    %c1 = graph.conv2d_nchwc %x_nchw16c, %w1_oihw16i16o, %b1_c16c {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x16x16xf32>, tensor<2x16xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %r1 = graph.relu %c1 : (tensor<1x2x8x8x16xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %c2 = graph.conv2d_nchwc %r1, %w2_oihw16i16o {pads = array<i64: 1, 1, 1, 1>}
// CHECK-NEXT:    %s = graph.add %c2, %x_nchw16c : (tensor<1x2x8x8x16xf32>, tensor<1x2x8x8x16xf32>) -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %r2 = graph.relu %s
// CHECK-NEXT:    %r2_nchw = graph.layout %r2 {from = "NCHW16c", to = "NCHW"} : (tensor<1x2x8x8x16xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    func.return %r2_nchw
// BLOCK8-LABEL: func.func @residual
// BLOCK8:         graph.conv2d_nchwc {{.*}} -> tensor<1x4x8x8x8xf32>
func.func @residual(%x: tensor<1x32x8x8xf32>, %w1: tensor<32x32x3x3xf32>, %b1: tensor<32xf32>, %w2: tensor<32x32x3x3xf32>) -> tensor<1x32x8x8xf32> {
  %c1 = graph.conv2d %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x8x8xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
  %r1 = graph.relu %c1 : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %c2 = graph.conv2d %r1, %w2 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x8x8xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x8x8xf32>
  %s = graph.add %c2, %x : (tensor<1x32x8x8xf32>, tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %r2 = graph.relu %s : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  func.return %r2 : tensor<1x32x8x8xf32>
}

// Per-channel and scalar operands of elementwise ops join the blocked chain;
// a blocked value read by an op that is not converted (a pool) and returned is
// converted back once for both.
// CHECK-LABEL: func.func @operands
// CHECK:         %scale_nchw16c = graph.layout %scale {from = "NCHW", to = "NCHW16c"} : (tensor<1x16x1x1xf32>) -> tensor<1x1x1x1x16xf32>
// CHECK:         %c = graph.conv2d_nchwc
// CHECK-NEXT:    %m = graph.mul %c, %scale_nchw16c : (tensor<1x1x4x4x16xf32>, tensor<1x1x1x1x16xf32>) -> tensor<1x1x4x4x16xf32>
// CHECK-NEXT:    %a = graph.add %m, %k : (tensor<1x1x4x4x16xf32>, tensor<f32>) -> tensor<1x1x4x4x16xf32>
// CHECK-NEXT:    %a_nchw = graph.layout %a {from = "NCHW16c", to = "NCHW"}
// CHECK-NEXT:    %p = graph.max_pool %a_nchw
// CHECK-NEXT:    func.return %a_nchw, %p
func.func @operands(%x: tensor<1x16x4x4xf32>, %w: tensor<16x16x1x1xf32>, %scale: tensor<1x16x1x1xf32>, %k: tensor<f32>) -> (tensor<1x16x4x4xf32>, tensor<1x16x2x2xf32>) {
  %c = graph.conv2d %x, %w : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %m = graph.mul %c, %scale : (tensor<1x16x4x4xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %a = graph.add %m, %k : (tensor<1x16x4x4xf32>, tensor<f32>) -> tensor<1x16x4x4xf32>
  %p = graph.max_pool %a {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x16x4x4xf32>) -> tensor<1x16x2x2xf32>
  func.return %a, %p : tensor<1x16x4x4xf32>, tensor<1x16x2x2xf32>
}

// -----

// Must not apply: 3 input channels (not a multiple of 16), a grouped
// convolution; the elementwise ops after them stay NCHW. With block 8, the
// 24-channel convolution is blocked; with 16 it is not.
// CHECK-LABEL: func.func @declined
// CHECK-NOT:     graph.layout
// CHECK-NOT:     conv2d_nchwc
// BLOCK8-LABEL: func.func @declined
// BLOCK8:         graph.conv2d %x, %w1
// BLOCK8:         graph.conv2d %r, %w2 {group = 2 : i64}
// BLOCK8:         graph.conv2d_nchwc {{.*}} -> tensor<1x3x6x6x8xf32>
func.func @declined(%x: tensor<1x3x8x8xf32>, %w1: tensor<24x3x3x3xf32>, %w2: tensor<24x12x1x1xf32>, %w3: tensor<24x24x1x1xf32>) -> tensor<1x24x6x6xf32> {
  // expected-remark @+1 {{not blocked: 3 input and 24 output channels are not both multiples of the block 16}}
  %c1 = graph.conv2d %x, %w1 : (tensor<1x3x8x8xf32>, tensor<24x3x3x3xf32>) -> tensor<1x24x6x6xf32>
  %r = graph.relu %c1 : (tensor<1x24x6x6xf32>) -> tensor<1x24x6x6xf32>
  // expected-remark @+1 {{not blocked: grouped convolutions (group 2) stay NCHW}}
  %c2 = graph.conv2d %r, %w2 {group = 2 : i64} : (tensor<1x24x6x6xf32>, tensor<24x12x1x1xf32>) -> tensor<1x24x6x6xf32>
  %t = graph.tanh %c2 : (tensor<1x24x6x6xf32>) -> tensor<1x24x6x6xf32>
  // expected-remark @+1 {{not blocked: 24 input and 24 output channels are not both multiples of the block 16}}
  %c3 = graph.conv2d %t, %w3 : (tensor<1x24x6x6xf32>, tensor<24x24x1x1xf32>) -> tensor<1x24x6x6xf32>
  func.return %c3 : tensor<1x24x6x6xf32>
}
