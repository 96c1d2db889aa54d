// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg --verify-diagnostics | filecheck %s

// The body is lowered in place of graph.fused; the chain that carries the result
// (zero fill, contraction, bias add, relu) is marked as fusion group 0.
// CHECK-LABEL: func.func @chain
// CHECK:         linalg.fill {nnopt.fusion_group = 0 : i64}
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}attrs = {nnopt.fusion_group = 0 : i64}
// CHECK:         linalg.generic {{.*}}ins(%{{.*}}, %b : {{.*}}attrs = {nnopt.fusion_group = 0 : i64}
// CHECK:         %r = linalg.generic {{.*}}attrs = {nnopt.fusion_group = 0 : i64}
// CHECK:         func.return %r
// CHECK-NOT:     graph.
func.func @chain(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = graph.fused %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
  ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>, %c: tensor<16xf32>):
    %m = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    %s = graph.add %m, %c : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %r = graph.relu %s : (tensor<4x16xf32>) -> tensor<4x16xf32>
    graph.yield %r : tensor<4x16xf32>
  }
  func.return %y : tensor<4x16xf32>
}

// A padded convolution: the padding (fill + insert_slice) feeds the chain from
// the side and is not marked; the bias broadcast that starts the accumulator is.
// Group numbers are unique in the module.
// CHECK-LABEL: func.func @padded_conv
// CHECK:         linalg.fill ins
// CHECK-NEXT:    tensor.insert_slice
// CHECK:         linalg.generic {{.*}}ins(%b : tensor<4xf32>){{.*}}attrs = {nnopt.fusion_group = 1 : i64}
// CHECK:         linalg.generic {{.*}}attrs = {nnopt.fusion_group = 1 : i64}
// CHECK:         linalg.generic {{.*}}attrs = {nnopt.fusion_group = 1 : i64}
// CHECK:         linalg.fill {nnopt.fusion_group = 2 : i64}
func.func @padded_conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<1x4x8x8xf32>, tensor<4x4xf32>) {
  %y = graph.fused %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  ^bb0(%a: tensor<1x3x8x8xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4xf32>):
    %conv = graph.conv2d %a, %k, %c {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    %r = graph.sigmoid %conv : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    graph.yield %r : tensor<1x4x8x8xf32>
  }
  %z = graph.fused %b, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4x4xf32> {
  ^bb0(%u: tensor<4xf32>, %v: tensor<4xf32>):
    %p = graph.reshape %u : (tensor<4xf32>) -> tensor<4x1xf32>
    %q = graph.reshape %v : (tensor<4xf32>) -> tensor<1x4xf32>
    %m = graph.matmul %p, %q : (tensor<4x1xf32>, tensor<1x4xf32>) -> tensor<4x4xf32>
    %t = graph.tanh %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
    graph.yield %t : tensor<4x4xf32>
  }
  func.return %y, %z : tensor<1x4x8x8xf32>, tensor<4x4xf32>
}

// -----

// Must not apply: the result is not a chain ending in a contraction (an
// elementwise op reads two values computed in the body); nothing is marked.
// CHECK-LABEL: func.func @not_a_chain
// CHECK-NOT:     nnopt.fusion_group
func.func @not_a_chain(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-remark @+1 {{not marked for fusion: an elementwise op of the body does not extend a single chain}}
  %y = graph.fused %x : (tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%a: tensor<4x4xf32>):
    %m = graph.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %e = graph.exp %a : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %s = graph.add %m, %e : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    graph.yield %s : tensor<4x4xf32>
  }
  func.return %y : tensor<4x4xf32>
}
