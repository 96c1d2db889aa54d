// RUN: nn-opt %s --split-input-file -p graph-fold-batch-norm --verify-diagnostics | filecheck %s

// k = scale / sqrt(var + eps) = [1, 1, 1] and [2, 0.5, 4]; the folded bias is
// (conv bias - mean) * k + bias.
// CHECK-LABEL: func.func @without_bias
// CHECK-NEXT:    %w = graph.constant dense<1.000000e+00> : tensor<3x2x3x3xf32>
// CHECK-NEXT:    %b = graph.constant dense<[-5.000000e-01, 1.000000e+00, -2.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    %y = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT:    func.return %y
func.func @without_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x3x3xf32>
  %s = graph.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %b = graph.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %m = graph.constant dense<[0.5, 0.0, 1.0]> : tensor<3xf32>
  %v = graph.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %c = graph.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x4x4xf32>
  %y = graph.batch_norm %c, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  func.return %y : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @depthwise_with_bias
// CHECK-NEXT:    %w = graph.constant dense<{{\[\[\[}}[2.000000e+00]]], {{\[\[}}[5.000000e-01]]], {{\[\[}}[4.000000e+00]]]]> : tensor<3x1x1x1xf32>
// CHECK-NEXT:    %b = graph.constant dense<[3.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    %y = graph.conv2d %x, %w, %b {group = 3 : i64}
func.func @depthwise_with_bias(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x1x1x1xf32>
  %cb = graph.constant dense<[1.0, 2.0, 0.0]> : tensor<3xf32>
  %s = graph.constant dense<[2.0, 1.0, 2.0]> : tensor<3xf32>
  %b = graph.constant dense<[1.0, 0.0, -1.0]> : tensor<3xf32>
  %m = graph.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %v = graph.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %c = graph.conv2d %x, %w, %cb {group = 3 : i64} : (tensor<1x3x4x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %y = graph.batch_norm %c, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  func.return %y : tensor<1x3x4x4xf32>
}

// -----

// Must not apply: the convolution's result is used elsewhere; the statistics are
// not constants; the input is not a convolution.
// CHECK-LABEL: func.func @declined
// CHECK:         %c = graph.conv2d %x, %w
// CHECK-NEXT:    %y = graph.batch_norm %c
// CHECK-NEXT:    %d = graph.conv2d %x, %w
// CHECK-NEXT:    %z = graph.batch_norm %d, %s, %s, %mean, %s
// CHECK-NEXT:    %r = graph.relu %x
// CHECK-NEXT:    %q = graph.batch_norm %r
func.func @declined(%x: tensor<1x2x4x4xf32>, %mean: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x2x1x1xf32>
  %s = graph.constant dense<1.0> : tensor<2xf32>
  %c = graph.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{not folded: the convolution's result has other users}}
  %y = graph.batch_norm %c, %s, %s, %s, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %d = graph.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-remark @+1 {{not folded: the mean of the pair is not a constant}}
  %z = graph.batch_norm %d, %s, %s, %mean, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = graph.relu %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %q = graph.batch_norm %r, %s, %s, %s, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  func.return %y, %c, %z, %q : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
