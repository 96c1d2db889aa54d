// RUN: nn-opt %s --split-input-file -p graph-fuse-epilogue --verify-diagnostics | filecheck %s

// matmul, bias add and relu become one graph.fused, at the place of the relu.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-NEXT:    %r = graph.fused %a, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>):
// CHECK-NEXT:      %m = graph.matmul %[[A]], %[[W]]
// CHECK-NEXT:      %s = graph.add %m, %[[B]]
// CHECK-NEXT:      %[[R:.*]] = graph.relu %s
// CHECK-NEXT:      graph.yield %[[R]] : tensor<4x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r
func.func @matmul_bias_relu(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %m = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %s = graph.add %m, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %r = graph.relu %s : (tensor<4x16xf32>) -> tensor<4x16xf32>
  func.return %r : tensor<4x16xf32>
}

// A convolution with its own bias, a residual add (the other operand read at
// the same index) and a clip; a gemm with gelu.
// CHECK-LABEL: func.func @conv_residual_clip
// CHECK-NEXT:    %n = graph.neg %res
// CHECK-NEXT:    %r = graph.fused %x, %w, %b, %n
// CHECK:           graph.conv2d
// CHECK-NEXT:      graph.add
// CHECK-NEXT:      graph.clip
// CHECK-NEXT:      graph.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %g = graph.fused %p, %q
// CHECK:           graph.gemm
// CHECK-NEXT:      graph.gelu
// CHECK-NEXT:      graph.yield
func.func @conv_residual_clip(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %res: tensor<1x4x8x8xf32>, %p: tensor<8x4xf32>, %q: tensor<6x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<4x6xf32>) {
  %c = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %n = graph.neg %res : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %s = graph.add %n, %c : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %r = graph.clip %s {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %m = graph.gemm %p, %q {trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<6x8xf32>) -> tensor<4x6xf32>
  %g = graph.gelu %m : (tensor<4x6xf32>) -> tensor<4x6xf32>
  func.return %r, %g : tensor<1x4x8x8xf32>, tensor<4x6xf32>
}

// -----

// Must not apply: the result has two users; the add broadcasts the result to
// a larger shape; the user is not elementwise; nothing follows the matmul.
// CHECK-LABEL: func.func @declined
// CHECK-NOT:     graph.fused
func.func @declined(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %big: tensor<2x4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  // expected-remark @+1 {{epilogue fusion stops: %m has 2 users}}
  %m = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %r = graph.relu %m : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %t = graph.tanh %m : (tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @+1 {{epilogue fusion stops: 'graph.add' broadcasts the result to tensor<2x4x16xf32>}}
  %n = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %s = graph.add %n, %big : (tensor<4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %o = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %p = graph.softmax %o : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %q = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  func.return %r, %t, %s, %p, %q : tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}
