// RUN: nn-opt %s --split-input-file --verify-diagnostics

func.func @inner_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{matmul inner dimensions differ: 2x3 @ 4x3 (3 vs 4)}}
  %c = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}

// -----

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{shapes 2x3 and 4 are not broadcastable}}
  %c = graph.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{result type tensor<3x2xf32> does not match the inferred type tensor<2x3xf32>}}
  %c = graph.relu %a : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %c : tensor<3x2xf32>
}

// -----

func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{has a dynamic shape (tensor<?x3xf32>); only static shapes are supported}}
  %c = graph.relu %a : (tensor<?x3xf32>) -> tensor<?x3xf32>
  func.return %c : tensor<?x3xf32>
}

// -----

func.func @mixed_types(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{operands must have one element type, got f32, f64}}
  %c = graph.add %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  func.return %c : tensor<3xf32>
}

// -----

func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{value type tensor<2xf32> differs from result type tensor<3xf32>}}
  %c = "graph.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  func.return %c : tensor<3xf32>
}
