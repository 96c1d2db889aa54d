// RUN: nn-opt %s --split-input-file -p graph-conv-strategy | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'graph-conv-strategy{strategy=direct}' | filecheck %s --check-prefix=DIRECT
// RUN: nn-opt %s --split-input-file -p 'graph-conv-strategy{strategy=winograd winograd-tile=2}' --verify-diagnostics | filecheck %s --check-prefix=WINO2
// RUN: nn-opt %s --split-input-file -p 'graph-conv-strategy{strategy=winograd}' 2>/dev/null | filecheck %s --check-prefix=WINO4

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
// WINO2-LABEL: func.func @small
// WINO2: graph.im2col %x {kernel_shape = array<i64: 4, 4>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x14x14xf32>) -> tensor<1x128x49xf32>
// WINO2-NOT: graph.pad
// WINO2: %y = graph.add
// WINO4-LABEL: func.func @small
// WINO4: graph.im2col %x {kernel_shape = array<i64: 6, 6>, strides = array<i64: 4, 4>, pads = array<i64: 1, 1, 3, 3>} : (tensor<1x8x14x14xf32>) -> tensor<1x288x16xf32>
// WINO4: graph.pad %{{.*}} {pads = array<i64: 0, 0, 0, 0, 0, 0, -2, -2>} : (tensor<1x16x16x16xf32>) -> tensor<1x16x14x14xf32>
// WINO4: %y = graph.add
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
// WINO2-LABEL: func.func @pointwise
// WINO2-NOT: graph.im2col
// WINO2: graph.matmul %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<2x8x1600xf32>) -> tensor<2x4x1600xf32>
func.func @pointwise(%x: tensor<2x8x40x40xf32>, %w: tensor<4x8x1x1xf32>) -> tensor<2x4x40x40xf32> {
  %y = graph.conv2d %x, %w : (tensor<2x8x40x40xf32>, tensor<4x8x1x1xf32>) -> tensor<2x4x40x40xf32>
  func.return %y : tensor<2x4x40x40xf32>
}

// -----

// Must not apply: wide stride-1 rows stay direct (16 channels: too few for
// Winograd to pay); so does a depthwise conv, which has no Winograd form here.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-2: graph.conv2d
// WINO2-LABEL: func.func @kept
// WINO2: graph.im2col %x {kernel_shape = array<i64: 4, 4>, strides = array<i64: 2, 2>} : (tensor<1x16x56x56xf32>) -> tensor<1x256x729xf32>
// WINO2: graph.conv2d %x, %d {group = 16 : i64}
func.func @kept(%x: tensor<1x16x56x56xf32>, %w: tensor<16x16x3x3xf32>, %d: tensor<16x1x3x3xf32>) -> (tensor<1x16x54x54xf32>, tensor<1x16x54x54xf32>) {
  %y = graph.conv2d %x, %w : (tensor<1x16x56x56xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x54x54xf32>
  // expected-remark @+1 {{no Winograd form (grouped convolution): direct instead}}
  %z = graph.conv2d %x, %d {group = 16 : i64} : (tensor<1x16x56x56xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x54x54xf32>
  func.return %y, %z : tensor<1x16x54x54xf32>, tensor<1x16x54x54xf32>
}

// -----

// Wide rows and 64 channels: the heuristic picks Winograd F(4x4, 3x3). Every step
// is a graph op: input tiles (im2col 6x6, stride 4), the input transform
// kron(B^T, B^T) (36x36), the weight transform kron(G, G) (36x9), the batched
// matmul over the 36 tile positions, the output transform kron(A^T, A^T) (16x36),
// the tiles scattered back with a transpose; 56 = 14 tiles of 4: no crop.
// CHECK-LABEL: func.func @wide
// CHECK:      %[[COLS:.*]] = graph.im2col %x {kernel_shape = array<i64: 6, 6>, strides = array<i64: 4, 4>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x56x56xf32>) -> tensor<1x2304x196xf32>
// CHECK-NEXT: %[[D:.*]] = graph.reshape %[[COLS]] : (tensor<1x2304x196xf32>) -> tensor<1x64x36x196xf32>
// CHECK-NEXT: %[[BT:.*]] = graph.constant dense<{{.*}}> : tensor<36x36xf32>
// CHECK-NEXT: %[[V:.*]] = graph.matmul %[[BT]], %[[D]] : (tensor<36x36xf32>, tensor<1x64x36x196xf32>) -> tensor<1x64x36x196xf32>
// CHECK-NEXT: %[[VP:.*]] = graph.transpose %[[V]] {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x64x36x196xf32>) -> tensor<1x36x64x196xf32>
// CHECK-NEXT: %[[W:.*]] = graph.reshape %w : (tensor<64x64x3x3xf32>) -> tensor<4096x9xf32>
// CHECK-NEXT: %[[WT:.*]] = graph.transpose %[[W]] {perm = array<i64: 1, 0>} : (tensor<4096x9xf32>) -> tensor<9x4096xf32>
// CHECK-NEXT: %[[G:.*]] = graph.constant dense<{{.*}}> : tensor<36x9xf32>
// CHECK-NEXT: %[[U:.*]] = graph.matmul %[[G]], %[[WT]] : (tensor<36x9xf32>, tensor<9x4096xf32>) -> tensor<36x4096xf32>
// CHECK-NEXT: %[[UP:.*]] = graph.reshape %[[U]] : (tensor<36x4096xf32>) -> tensor<36x64x64xf32>
// CHECK-NEXT: %[[M:.*]] = graph.matmul %[[UP]], %[[VP]] : (tensor<36x64x64xf32>, tensor<1x36x64x196xf32>) -> tensor<1x36x64x196xf32>
// CHECK-NEXT: %[[MF:.*]] = graph.reshape %[[M]] : (tensor<1x36x64x196xf32>) -> tensor<1x36x12544xf32>
// CHECK-NEXT: %[[AT:.*]] = graph.constant dense<{{.*}}> : tensor<16x36xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.matmul %[[AT]], %[[MF]] : (tensor<16x36xf32>, tensor<1x36x12544xf32>) -> tensor<1x16x12544xf32>
// CHECK-NEXT: %[[Y6:.*]] = graph.reshape %[[Y]] : (tensor<1x16x12544xf32>) -> tensor<1x4x4x64x14x14xf32>
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[Y6]] {perm = array<i64: 0, 3, 4, 1, 5, 2>} : (tensor<1x4x4x64x14x14xf32>) -> tensor<1x64x14x4x14x4xf32>
// CHECK-NEXT: %y = graph.reshape %[[T]] : (tensor<1x64x14x4x14x4xf32>) -> tensor<1x64x56x56xf32>
// CHECK-NEXT: func.return %y
// DIRECT-LABEL: func.func @wide
// DIRECT: graph.conv2d
// WINO2-LABEL: func.func @wide
// WINO2: graph.im2col %x {kernel_shape = array<i64: 4, 4>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x56x56xf32>) -> tensor<1x1024x784xf32>
// WINO2: graph.constant dense<{{.*}}> : tensor<16x16xf32>
// WINO2: graph.constant dense<{{.*}}> : tensor<16x9xf32>
// WINO2: graph.matmul %{{.*}}, %{{.*}} : (tensor<16x64x64xf32>, tensor<1x16x64x784xf32>) -> tensor<1x16x64x784xf32>
// WINO2: graph.constant dense<{{.*}}> : tensor<4x16xf32>
// WINO2: graph.transpose %{{.*}} {perm = array<i64: 0, 3, 4, 1, 5, 2>} : (tensor<1x2x2x64x28x28xf32>) -> tensor<1x64x28x2x28x2xf32>
// WINO2-NOT: graph.pad
// WINO2: %y = graph.reshape
func.func @wide(%x: tensor<1x64x56x56xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  %y = graph.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  func.return %y : tensor<1x64x56x56xf32>
}

// -----

// Odd output sizes (7x9, batch 2) with m = 4: the bottom and right pads grow so
// that 2x3 whole tiles cover the output, and the 8x12 result is cropped.
// WINO4-LABEL: func.func @odd
// WINO4: graph.im2col %x {kernel_shape = array<i64: 6, 6>, strides = array<i64: 4, 4>, pads = array<i64: 1, 1, 2, 4>} : (tensor<2x8x7x9xf32>) -> tensor<2x288x6xf32>
// WINO4: graph.matmul %{{.*}}, %{{.*}} : (tensor<36x16x8xf32>, tensor<2x36x8x6xf32>) -> tensor<2x36x16x6xf32>
// WINO4: graph.pad %{{.*}} {pads = array<i64: 0, 0, 0, 0, 0, 0, -1, -3>} : (tensor<2x16x8x12xf32>) -> tensor<2x16x7x9xf32>
// WINO4: %y = graph.add
func.func @odd(%x: tensor<2x8x7x9xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<2x16x7x9xf32> {
  %y = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x8x7x9xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<2x16x7x9xf32>
  func.return %y : tensor<2x16x7x9xf32>
}

// -----

// Must not apply, even when forced: stride 2, dilation, 5x5 kernels (the
// heuristic's choice stays, with a remark saying why).
// WINO2-LABEL: func.func @no_winograd_form
// WINO2: graph.im2col %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
// WINO2: graph.im2col %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 2, 2>}
// WINO2: graph.im2col %x {kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>}
// WINO2-NOT: kernel_shape = array<i64: 4, 4>
func.func @no_winograd_form(%x: tensor<1x8x16x16xf32>, %w: tensor<8x8x3x3xf32>, %w5: tensor<8x8x5x5xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x8x16x16xf32>) {
  // expected-remark @+1 {{no Winograd form (stride is not 1): im2col instead}}
  %s = graph.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  // expected-remark @+1 {{no Winograd form (dilated convolution): im2col instead}}
  %d = graph.conv2d %x, %w {dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  // expected-remark @+1 {{no Winograd form (5x5 kernel (Winograd needs 3x3)): im2col instead}}
  %k = graph.conv2d %x, %w5 {pads = array<i64: 2, 2, 2, 2>} : (tensor<1x8x16x16xf32>, tensor<8x8x5x5xf32>) -> tensor<1x8x16x16xf32>
  func.return %s, %d, %k : tensor<1x8x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x8x16x16xf32>
}

// -----

// 64 channels, 14x14: with weights known at run time only, im2col (rows too short
// for direct, Winograd's weight transform would be paid at every call); with
// constant weights, Winograd F(4x4, 3x3) whose transformed weights U [36, F, C]
// are a constant (the original weights are gone).
// CHECK-LABEL: func.func @constant_weights
// CHECK:     graph.im2col %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}
// CHECK-NOT: graph.constant {{.*}} : tensor<64x64x3x3xf32>
// CHECK:     %[[U:.*]] = graph.constant dense<{{.*}}> : tensor<36x64x64xf32>
// CHECK:     graph.matmul %[[U]], %{{.*}} : (tensor<36x64x64xf32>, tensor<1x36x64x16xf32>) -> tensor<1x36x64x16xf32>
// CHECK-NOT: graph.transpose {{.*}} : (tensor<4096x9xf32>)
// CHECK:     graph.pad
// WINO2-LABEL: func.func @constant_weights
// WINO2-COUNT-2: graph.im2col %x {kernel_shape = array<i64: 4, 4>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
func.func @constant_weights(%x: tensor<1x64x14x14xf32>, %w: tensor<64x64x3x3xf32>) -> (tensor<1x64x14x14xf32>, tensor<1x64x14x14xf32>) {
  %y = graph.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x14x14xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x14x14xf32>
  %k = graph.constant dense<0.5> : tensor<64x64x3x3xf32>
  %z = graph.conv2d %x, %k {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x14x14xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x14x14xf32>
  func.return %y, %z : tensor<1x64x14x14xf32>, tensor<1x64x14x14xf32>
}
