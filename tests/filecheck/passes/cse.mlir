// RUN: nn-opt %s --split-input-file --allow-unregistered-dialect -p cse | filecheck %s

// xDSL's cse on graph ops (they are Pure): the same op on the same operands with
// the same properties is computed once, an explicit default property included;
// equal constants are merged.
// CHECK-LABEL: func.func @merged
// CHECK-NEXT:    %a = graph.add %x, %y
// CHECK-NEXT:    %s = graph.softmax %a : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %c = graph.constant dense<2.000000e+00> : tensor<8xf32>
// CHECK-NEXT:    %m = graph.mul %s, %c
// CHECK-NEXT:    func.return %m, %m
func.func @merged(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %a = graph.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = graph.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = graph.softmax %a : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = graph.softmax %b {axis = -1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %c = graph.constant dense<2.0> : tensor<8xf32>
  %d = graph.constant dense<2.0> : tensor<8xf32>
  %m = graph.mul %s, %c : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %n = graph.mul %t, %d : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  func.return %m, %n : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Must not merge: properties that differ (axis, approximation, which bound a
// clip has, the sign of a zero), other operands, other result types, constants
// with other values.
// CHECK-LABEL: func.func @kept_apart
// CHECK-NEXT:    graph.softmax %x {axis = 0 : i64}
// CHECK-NEXT:    graph.softmax %x {axis = 1 : i64}
// CHECK-NEXT:    graph.gelu %x :
// CHECK-NEXT:    graph.gelu %x {approximate = "tanh"}
// CHECK-NEXT:    graph.clip %x {min = 0.000000e+00 : f32}
// CHECK-NEXT:    graph.clip %x {max = 0.000000e+00 : f32}
// CHECK-NEXT:    graph.clip %x {max = -0.000000e+00 : f32}
// CHECK-NEXT:    graph.sub %x, %y
// CHECK-NEXT:    graph.sub %y, %x
// CHECK-NEXT:    graph.reshape %x : (tensor<4x8xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:    graph.reshape %x : (tensor<4x8xf32>) -> tensor<2x16xf32>
// CHECK-NEXT:    graph.constant dense<1.000000e+00>
// CHECK-NEXT:    graph.constant dense<[1.000000e+00, 2.000000e+00]>
func.func @kept_apart(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) {
  %0 = graph.softmax %x {axis = 0 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = graph.softmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = graph.gelu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = graph.gelu %x {approximate = "tanh"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = graph.clip %x {min = 0.0 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = graph.clip %x {max = 0.0 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %6 = graph.clip %x {max = -0.0 : f32} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %7 = graph.sub %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %8 = graph.sub %y, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %9 = graph.reshape %x : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %10 = graph.reshape %x : (tensor<4x8xf32>) -> tensor<2x16xf32>
  %11 = graph.constant dense<1.0> : tensor<2xf32>
  %12 = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  "test.use"(%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12) : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8x4xf32>, tensor<2x16xf32>, tensor<2xf32>, tensor<2xf32>) -> ()
  func.return
}

// -----

// Inside graph.fused too; and two graph.fused ops with the same body and
// operands are one.
// CHECK-LABEL: func.func @fused
// CHECK:         graph.fused %a, %b
// CHECK-NEXT:    ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>):
// CHECK-NEXT:      %m = graph.matmul %x, %y
// CHECK-NEXT:      %r = graph.relu %m
// CHECK-NEXT:      %s = graph.add %r, %r
// CHECK-NEXT:      graph.yield %s
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %f, %f
func.func @fused(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %f = graph.fused %a, %b : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>):
    %m = graph.matmul %x, %y : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %r = graph.relu %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %q = graph.relu %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %s = graph.add %r, %q : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    graph.yield %s : tensor<4x4xf32>
  }
  %g = graph.fused %a, %b : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> {
  ^bb0(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>):
    %m = graph.matmul %x, %y : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %r = graph.relu %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %q = graph.relu %m : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %s = graph.add %r, %q : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    graph.yield %s : tensor<4x4xf32>
  }
  func.return %f, %g : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Must not merge across the boundary of graph.fused (isolated from above): the
// constant inside stays, though an equal one is defined outside.
// CHECK-LABEL: func.func @isolated
// CHECK:         %c = graph.constant dense<2.000000e+00>
// CHECK:         graph.fused
// CHECK-NEXT:    ^bb0(%a: tensor<4xf32>):
// CHECK-NEXT:      %k = graph.constant dense<2.000000e+00>
// CHECK-NEXT:      %m = graph.mul %a, %k
func.func @isolated(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = graph.constant dense<2.0> : tensor<4xf32>
  %o = graph.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = graph.fused %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %k = graph.constant dense<2.0> : tensor<4xf32>
    %m = graph.mul %a, %k : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    graph.yield %m : tensor<4xf32>
  }
  func.return %o, %y : tensor<4xf32>, tensor<4xf32>
}
