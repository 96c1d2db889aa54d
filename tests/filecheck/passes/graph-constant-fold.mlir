// RUN: nn-opt %s --split-input-file -p graph-constant-fold | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'graph-constant-fold{max-elements=3}' --verify-diagnostics | filecheck %s --check-prefix=LIMIT
// RUN: not nn-opt %s --split-input-file -p 'graph-constant-fold{max-elements=-1}' 2>&1 | filecheck %s --check-prefix=BAD

// BAD: error: graph-constant-fold: max-elements must not be negative, got -1

// A chain of elementwise ops on constants becomes one constant; the constants
// it used are gone. The op reading the function argument stays.
// CHECK-LABEL: func.func @elementwise
// CHECK-NEXT:    %e = graph.constant dense<[2.000000e+00, 4.000000e+00, 8.000000e+00, 1.600000e+01]> : tensor<4xf32>
// CHECK-NEXT:    %r = graph.add %x, %e
// CHECK-NEXT:    func.return %r
// LIMIT-LABEL: func.func @elementwise
// LIMIT:         graph.pow
func.func @elementwise(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = graph.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %two = graph.constant dense<2.0> : tensor<f32>
  // expected-remark @+1 {{not folded: the result has 4 elements, more than max-elements=3}}
  %e = graph.pow %two, %a : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %r = graph.add %x, %e : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}

// -----

// Matrix products, transposes, reshapes, concatenation and reductions fold too.
// [[1, 2], [3, 4]] @ [[1, 0], [1, 1]] = [[3, 2], [7, 4]]; transposed [[3, 7], [2, 4]];
// its row sums [10, 6]; concatenated with [1] and reshaped to 3x1.
// CHECK-LABEL: func.func @structured
// CHECK-NEXT:    %r = graph.constant dense<{{\[}}[1.000000e+01], [6.000000e+00], [1.000000e+00]]> : tensor<3x1xf32>
// CHECK-NEXT:    func.return %r
// LIMIT-LABEL: func.func @structured
// LIMIT:         graph.gemm
func.func @structured() -> tensor<3x1xf32> {
  %a = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = graph.constant dense<[[1.0, 0.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %one = graph.constant dense<1.0> : tensor<1xf32>
  // expected-remark @+1 {{not folded: the result has 4 elements, more than max-elements=3}}
  %m = graph.gemm %a, %b : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %t = graph.transpose %m : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %s = graph.reduce_sum %t {axes = array<i64: 1>, keepdims = false} : (tensor<2x2xf32>) -> tensor<2xf32>
  %c = graph.concat %s, %one {axis = 0 : i64} : (tensor<2xf32>, tensor<1xf32>) -> tensor<3xf32>
  %r = graph.reshape %c : (tensor<3xf32>) -> tensor<3x1xf32>
  func.return %r : tensor<3x1xf32>
}

// -----

// A 2x2 convolution (all-ones weights, bias 0.5) of [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
// sums each window: [[8, 12], [20, 24]] + 0.5; then relu.
// CHECK-LABEL: func.func @conv
// LIMIT-LABEL: func.func @conv
// LIMIT:         graph.conv2d
// LIMIT-NEXT:    graph.relu
// CHECK-NEXT:    %r = graph.constant dense<{{\[\[\[}}[8.500000e+00, 1.250000e+01], [2.050000e+01, 2.450000e+01]]]]> : tensor<1x1x2x2xf32>
// CHECK-NEXT:    func.return %r
func.func @conv() -> tensor<1x1x2x2xf32> {
  %x = graph.constant dense<[[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]]]> : tensor<1x1x3x3xf32>
  %w = graph.constant dense<1.0> : tensor<1x1x2x2xf32>
  %b = graph.constant dense<0.5> : tensor<1xf32>
  // expected-remark @+1 {{not folded: the result has 4 elements, more than max-elements=3}}
  %c = graph.conv2d %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %r = graph.relu %c : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  func.return %r : tensor<1x1x2x2xf32>
}

// -----

// Must not apply: an operand is not a constant (an argument, or the result of
// an op that reads one). NaN and infinities fold, and print as bit patterns:
// log [-1, 0, 1] = [NaN, -inf, 0].
// CHECK-LABEL: func.func @declined
// CHECK-NEXT:    %c = graph.constant dense<[0x{{7fc|ffc}}00000, 0xff800000, 0.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:    %s = graph.sqrt %x
// CHECK-NEXT:    %m = graph.mul %s, %c
// CHECK-NEXT:    func.return %m
func.func @declined(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = graph.constant dense<[-1.0, 0.0, 1.0]> : tensor<3xf32>
  %c = graph.log %a : (tensor<3xf32>) -> tensor<3xf32>
  %s = graph.sqrt %x : (tensor<3xf32>) -> tensor<3xf32>
  %m = graph.mul %s, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %m : tensor<3xf32>
}

// -----

// Must not apply: numpy has no bf16, so a cast to it is not evaluated (a remark
// says why) and the constant it reads stays.
// CHECK-LABEL: func.func @no_numpy_type
// CHECK-NEXT:    %a = graph.constant
// CHECK-NEXT:    %r = graph.cast %a
// CHECK-NEXT:    func.return %r
// LIMIT-LABEL: func.func @no_numpy_type
// LIMIT:         graph.cast
func.func @no_numpy_type() -> tensor<2xbf16> {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-remark @+1 {{not folded: has results of type bf16, which numpy cannot hold}}
  %r = graph.cast %a : (tensor<2xf32>) -> tensor<2xbf16>
  func.return %r : tensor<2xbf16>
}
