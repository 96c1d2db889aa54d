// RUN: nn-opt %s --split-input-file -p dce | filecheck %s

// xDSL's dce on graph ops (they are Pure): unused results go, whole dead chains
// with them, a dead graph.fused included, and dead ops inside a live one.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT:    %f = graph.fused %x
// CHECK-NEXT:    ^bb0(%a: tensor<4xf32>):
// CHECK-NEXT:      %e = graph.exp %a
// CHECK-NEXT:      graph.yield %e
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %f
func.func @dead(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = graph.constant dense<1.0> : tensor<4xf32>
  %s = graph.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %t = graph.tanh %s : (tensor<4xf32>) -> tensor<4xf32>
  %g = graph.fused %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %n = graph.neg %a : (tensor<4xf32>) -> tensor<4xf32>
    graph.yield %n : tensor<4xf32>
  }
  %f = graph.fused %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %unused = graph.sqrt %a : (tensor<4xf32>) -> tensor<4xf32>
    %e = graph.exp %a : (tensor<4xf32>) -> tensor<4xf32>
    graph.yield %e : tensor<4xf32>
  }
  func.return %f : tensor<4xf32>
}

// -----

// Must not apply: every op contributes to a result.
// CHECK-LABEL: func.func @live
// CHECK-NEXT:    graph.constant
// CHECK-NEXT:    graph.add
// CHECK-NEXT:    graph.tanh
// CHECK-NEXT:    func.return
func.func @live(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = graph.constant dense<1.0> : tensor<4xf32>
  %s = graph.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %t = graph.tanh %s : (tensor<4xf32>) -> tensor<4xf32>
  func.return %s, %t : tensor<4xf32>, tensor<4xf32>
}
