// RUN: nn-opt %s -p default-pipeline | filecheck %s
// RUN: nn-opt %s -p 'default-pipeline{fuse-epilogue=true}' | filecheck %s --check-prefix=FUSED

// The default pipeline starts with the graph passes: the scale 0.5 * 0.5 is
// folded, then the batch norm into the convolution's weights and a new bias, so
// the only constants left are those two.
// CHECK:       initial_value = dense<[-1.250000e-01, 1.000000e+00, -1.500000e+00]> : tensor<3xf32>
// CHECK:       initial_value = dense<{{\[\[\[\[}}2.500000e-01]], {{\[\[}}2.500000e-01]]], {{\[\[\[}}1.250000e-01]], {{\[\[}}1.250000e-01]]], {{\[\[\[}}5.000000e-01]], {{\[\[}}5.000000e-01]]]]> : tensor<3x2x1x1xf32>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @conv_bn_relu
// Without epilogue fusion at the graph level the 1x1 convolution becomes a matmul
// (graph-conv-strategy) and the scheduler fuses it with the bias and relu nests.
// CHECK:       arith.mulf
// CHECK:       arith.addf
// CHECK:       arith.maximumf
// With it, the relu follows the reduction loops inside the output's loops, on
// the accumulators carried through iter_args: the 4 output columns in one
// vector<4xf32> (a row is shorter than 16 lanes), the 3 channels register-blocked.
// FUSED-LABEL: func.func @conv_bn_relu
// FUSED:         %[[ACC:[0-9]+]], %{{.*}}, %{{.*}} = affine.for %{{.*}} = 0 to 2 iter_args
// FUSED:           arith.mulf %{{.*}}, %{{.*}} : vector<4xf32>
// FUSED:         %[[R:.*]] = arith.maximumf %[[ACC]], %{{.*}} : vector<4xf32>
// FUSED-NEXT:    affine.vector_store %[[R]], %out
func.func @conv_bn_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x1x1xf32>
  %half = graph.constant dense<0.5> : tensor<3xf32>
  %s = graph.mul %half, %half : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %b = graph.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %m = graph.constant dense<[0.5, 0.0, 1.0]> : tensor<3xf32>
  %v = graph.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %c = graph.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %y = graph.batch_norm %c, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %r = graph.relu %y : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  func.return %r : tensor<1x3x4x4xf32>
}
