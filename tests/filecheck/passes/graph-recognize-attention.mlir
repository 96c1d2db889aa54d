// RUN: nn-opt %s --split-input-file -p graph-recognize-attention --verify-diagnostics | filecheck %s

// As exported from PyTorch: heads split by transposes, the keys transposed to
// [B, H, D, L] in one permutation, scores divided by sqrt(D), a mask added. The
// keys' permutation with the last two dims swapped replaces the transpose; the
// divisor becomes the scale; the transposes around stay.
// CHECK-LABEL: func.func @exported
// CHECK-NEXT:    %q = graph.transpose %x {perm = array<i64: 0, 2, 1, 3>}
// CHECK-NEXT:    %vt = graph.transpose %v {perm = array<i64: 0, 2, 1, 3>}
// CHECK-NEXT:    %keys = graph.transpose %k {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x8x4xf32>
// CHECK-NEXT:    %o = graph.attention %q, %keys, %vt, %mask {scale = 5.000000e-01 : f32} : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<8x8xf32>) -> tensor<1x2x8x4xf32>
// CHECK-NEXT:    %y = graph.transpose %o {perm = array<i64: 0, 2, 1, 3>}
// CHECK-NEXT:    func.return %y
func.func @exported(%x: tensor<1x8x2x4xf32>, %k: tensor<1x8x2x4xf32>, %v: tensor<1x8x2x4xf32>, %mask: tensor<8x8xf32>) -> tensor<1x8x2x4xf32> {
  %q = graph.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x8x4xf32>
  %kt = graph.transpose %k {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x4x8xf32>
  %vt = graph.transpose %v {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x8x4xf32>
  %s = graph.matmul %q, %kt : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %c = graph.constant dense<2.0> : tensor<f32>
  %t = graph.div %s, %c : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = graph.add %t, %mask : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = graph.softmax %m {axis = 3 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = graph.matmul %p, %vt : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  %y = graph.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x8x4xf32>) -> tensor<1x8x2x4xf32>
  func.return %y : tensor<1x8x2x4xf32>
}

// The keys transposed by (0, 1, 3, 2) are the keys themselves; a multiplication
// by a constant (either side) is the scale; a single key/value head is shared.
// CHECK-LABEL: func.func @plain_multi_query
// CHECK-NEXT:    %o = graph.attention %q, %k, %v {scale = 1.250000e-01 : f32} : (tensor<2x4x6x8xf32>, tensor<2x1x6x8xf32>, tensor<2x1x6x8xf32>) -> tensor<2x4x6x8xf32>
// CHECK-NEXT:    func.return %o
func.func @plain_multi_query(%q: tensor<2x4x6x8xf32>, %k: tensor<2x1x6x8xf32>, %v: tensor<2x1x6x8xf32>) -> tensor<2x4x6x8xf32> {
  %kt = graph.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x1x6x8xf32>) -> tensor<2x1x8x6xf32>
  %s = graph.matmul %q, %kt : (tensor<2x4x6x8xf32>, tensor<2x1x8x6xf32>) -> tensor<2x4x6x6xf32>
  %c = graph.constant dense<0.125> : tensor<1xf32>
  %t = graph.mul %c, %s : (tensor<1xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %p = graph.softmax %t : (tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %o = graph.matmul %p, %v : (tensor<2x4x6x6xf32>, tensor<2x1x6x8xf32>) -> tensor<2x4x6x8xf32>
  func.return %o : tensor<2x4x6x8xf32>
}

// Without scale and with keys given already transposed: scale 1, and the keys
// are transposed back.
// CHECK-LABEL: func.func @unscaled
// CHECK-NEXT:    %keys = graph.transpose %kt {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x1x4x5xf32>) -> tensor<1x1x5x4xf32>
// CHECK-NEXT:    %o = graph.attention %q, %keys, %v {scale = 1.000000e+00 : f32}
func.func @unscaled(%q: tensor<1x1x3x4xf32>, %kt: tensor<1x1x4x5xf32>, %v: tensor<1x1x5x2xf32>) -> tensor<1x1x3x2xf32> {
  %s = graph.matmul %q, %kt : (tensor<1x1x3x4xf32>, tensor<1x1x4x5xf32>) -> tensor<1x1x3x5xf32>
  %p = graph.softmax %s {axis = -1 : i64} : (tensor<1x1x3x5xf32>) -> tensor<1x1x3x5xf32>
  %o = graph.matmul %p, %v : (tensor<1x1x3x5xf32>, tensor<1x1x5x2xf32>) -> tensor<1x1x3x2xf32>
  func.return %o : tensor<1x1x3x2xf32>
}

// -----

// Must not apply: the softmax is over another axis; the scale is not a scalar
// constant; the scores are also returned; a softmax that does not feed a matmul
// (no remark).
// CHECK-LABEL: func.func @declined
// CHECK-NOT:     graph.attention
func.func @declined(%q: tensor<1x1x4x4xf32>, %kt: tensor<1x1x4x4xf32>, %v: tensor<1x1x4x4xf32>, %w: tensor<4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %s1 = graph.matmul %q, %kt : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-remark @+1 {{not attention: the softmax is over axis 2, not the last axis}}
  %p1 = graph.softmax %s1 {axis = 2 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %o1 = graph.matmul %p1, %v : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %s2 = graph.matmul %q, %kt : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %t2 = graph.mul %s2, %w : (tensor<1x1x4x4xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  // expected-remark @+1 {{not attention: the scores are multiplied by a value that is not a scalar constant}}
  %p2 = graph.softmax %t2 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %o2 = graph.matmul %p2, %v : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %s3 = graph.matmul %q, %kt : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-remark @+1 {{not attention: the softmax input is also used elsewhere}}
  %p3 = graph.softmax %s3 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %o3 = graph.matmul %p3, %v : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %p4 = graph.softmax %q : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  func.return %o1, %o2, %o3, %s3, %p4 : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}
