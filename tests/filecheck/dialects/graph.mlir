// RUN: NNOPT_ROUNDTRIP
// RUN: nn-opt %s --split-input-file | filecheck %s

// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  // CHECK: %y = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %y = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  // CHECK: %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %z = graph.add %y, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: %r = graph.relu %z : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = graph.relu %z : (tensor<4x16xf32>) -> tensor<4x16xf32>
  func.return %r : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @constants_and_broadcasting
func.func @constants_and_broadcasting(%x: tensor<2x1x3xf32>) -> tensor<2x4x3xf32> {
  // CHECK: %c = graph.constant dense<{{\[}}[1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]{{\]}}> : tensor<4x1xf32>
  %c = graph.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  // CHECK: graph.add %x, %c : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  %s = graph.add %x, %c : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  func.return %s : tensor<2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @batched_matmul
func.func @batched_matmul(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %v: tensor<8xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x1x4xf32>) {
  // CHECK: graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  %c = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: graph.matmul %a, %v : (tensor<2x1x4x8xf32>, tensor<8xf32>) -> tensor<2x1x4xf32>
  %d = graph.matmul %a, %v : (tensor<2x1x4x8xf32>, tensor<8xf32>) -> tensor<2x1x4xf32>
  func.return %c, %d : tensor<2x3x4x5xf32>, tensor<2x1x4xf32>
}

// -----

// Every graph op round-trips through the generic form and back; properties equal
// to their defaults (group = 1, approximate = "none", alpha = 1.0, axis = -1,
// keepdims = true) are left out of the printed form.

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %s: tensor<f32>) -> tensor<2x3xf32> {
  // CHECK: %0 = graph.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = graph.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %1 = graph.mul %0, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = graph.mul %0, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: %2 = graph.div %1, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = graph.div %1, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %3 = graph.max %2, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.max %2, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %4 = graph.min %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = graph.min %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %5 = graph.pow %4, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %5 = graph.pow %4, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: %6 = graph.gelu %5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = graph.gelu %5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %7 = graph.gelu %6 {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = graph.gelu %6 {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %8 = graph.gelu %7 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = graph.gelu %7 {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %9 = graph.sigmoid %8 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = graph.sigmoid %8 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %10 = graph.tanh %9 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = graph.tanh %9 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %11 = graph.exp %10 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %11 = graph.exp %10 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %12 = graph.log %11 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %12 = graph.log %11 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %13 = graph.sqrt %12 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %13 = graph.sqrt %12 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %14 = graph.rsqrt %13 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %14 = graph.rsqrt %13 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %15 = graph.neg %14 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %15 = graph.neg %14 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %16 = graph.erf %15 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %16 = graph.erf %15 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %17 = graph.clip %16 {min = -1.000000e+00 : f32, max = 6.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %17 = graph.clip %16 {min = -1.0 : f32, max = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %18 = graph.clip %17 {max = 6.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %18 = graph.clip %17 {max = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %18 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @gemm
func.func @gemm(%a: tensor<8x4xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  // CHECK: %y = graph.gemm %a, %b, %c {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %y = graph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: %z = graph.gemm %a, %b {trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %z = graph.gemm %a, %b {alpha = 1.0 : f32, trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  func.return %y, %z : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @conv2d
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %dw: tensor<3x1x3x3xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x3x6x6xf32>) {
  // CHECK: %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %c = graph.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: %d = graph.conv2d %x, %dw {group = 3 : i64} : (tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x6x6xf32>
  %d = graph.conv2d %x, %dw {group = 3 : i64} : (tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x6x6xf32>
  func.return %c, %d : tensor<1x4x4x4xf32>, tensor<1x3x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x8x16x16xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>) {
  // CHECK: %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: %g = graph.global_avg_pool %x : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
  %g = graph.global_avg_pool %x : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
  func.return %m, %a, %g : tensor<1x8x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @dilated_avg_pool
func.func @dilated_avg_pool(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x14x14xf32> {
  // CHECK: %d = graph.avg_pool %x {kernel_shape = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x14x14xf32>
  %d = graph.avg_pool %x {kernel_shape = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x14x14xf32>
  func.return %d : tensor<1x8x14x14xf32>
}

// -----

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %s: tensor<4xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  // CHECK: %p = graph.softmax %x {axis = 1 : i64} : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %p = graph.softmax %x {axis = 1 : i64} : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  // CHECK: %q = graph.softmax %x : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %q = graph.softmax %x {axis = -1 : i64} : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  // CHECK: %l = graph.layer_norm %x, %g, %b {epsilon = 1.000000e-06 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  %l = graph.layer_norm %x, %g, %b {epsilon = 1.0e-06 : f32} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  // CHECK: %n = graph.batch_norm %x, %s, %s, %s, %s {epsilon = 1.000000e-03 : f32} : (tensor<2x4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8xf32>
  %n = graph.batch_norm %x, %s, %s, %s, %s {epsilon = 1.0e-03 : f32} : (tensor<2x4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x8xf32>
  func.return %p, %q, %l, %n : tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_without_bias
func.func @layer_norm_without_bias(%x: tensor<2x4x8xf32>, %g: tensor<4x8xf32>) -> tensor<2x4x8xf32> {
  // CHECK: %l = graph.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  %l = graph.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  func.return %l : tensor<2x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<3xf32>, tensor<1x1x1xf32>) {
  // CHECK: %s = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %s = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  // CHECK: %m = graph.reduce_mean %x {axes = array<i64: 0, -1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %m = graph.reduce_mean %x {axes = array<i64: 0, -1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  // CHECK: %x2 = graph.reduce_max %x : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  %x2 = graph.reduce_max %x {keepdims = true} : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  func.return %s, %m, %x2 : tensor<2x1x4xf32>, tensor<3xf32>, tensor<1x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>) -> (tensor<4x3x2xf32>, tensor<6x4xf32>, tensor<6x4xf32>, tensor<2x8x4xf32>, tensor<4x3x7xf32>) {
  // CHECK: %t = graph.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %t = graph.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // CHECK: %r = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %r = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK: %f = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %f = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK: %c = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %c = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  // CHECK: %p = graph.pad %x {pads = array<i64: 1, 0, 1, 1, 0, 2>, value = -1.000000e+00 : f32} : (tensor<2x3x4xf32>) -> tensor<4x3x7xf32>
  %p = graph.pad %x {pads = array<i64: 1, 0, 1, 1, 0, 2>, value = -1.0 : f32} : (tensor<2x3x4xf32>) -> tensor<4x3x7xf32>
  func.return %t, %r, %f, %c, %p : tensor<4x3x2xf32>, tensor<6x4xf32>, tensor<6x4xf32>, tensor<2x8x4xf32>, tensor<4x3x7xf32>
}

// -----

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<2x4x8x16xf32>, %k: tensor<2x1x8x16xf32>, %v: tensor<2x1x8x16xf32>, %m: tensor<8x8xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) {
  // CHECK: %o = graph.attention %q, %k, %v, %m {scale = 1.250000e-01 : f32} : (tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>, tensor<8x8xf32>) -> tensor<2x4x8x16xf32>
  %o = graph.attention %q, %k, %v, %m {scale = 0.125 : f32} : (tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>, tensor<8x8xf32>) -> tensor<2x4x8x16xf32>
  // CHECK: %c = graph.attention %q, %k, %v {causal = true} : (tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32>
  %c = graph.attention %q, %k, %v {causal = true} : (tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32>
  func.return %o, %c : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @cast
func.func @cast(%m: tensor<2x3xi1>, %n: tensor<4xi64>) -> (tensor<2x3xf32>, tensor<4xf64>) {
  // CHECK: %f = graph.cast %m : (tensor<2x3xi1>) -> tensor<2x3xf32>
  %f = graph.cast %m : (tensor<2x3xi1>) -> tensor<2x3xf32>
  // CHECK: %g = graph.cast %n : (tensor<4xi64>) -> tensor<4xf64>
  %g = graph.cast %n : (tensor<4xi64>) -> tensor<4xf64>
  func.return %f, %g : tensor<2x3xf32>, tensor<4xf64>
}
