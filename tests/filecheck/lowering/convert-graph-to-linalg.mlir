// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<4x16xf32>
  // CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<4x16xf32>) -> tensor<4x16xf32>
  // CHECK: %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[F]] : tensor<4x16xf32>) {
  // CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
  // CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f32
  // CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
  // CHECK-NEXT:   linalg.yield %[[S]] : f32
  // CHECK-NEXT: } -> tensor<4x16xf32>
  %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  // CHECK-NOT: graph.
  func.return %c : tensor<4x16xf32>
}

// -----

// numpy broadcasting: the bias is indexed by the inner loop only, the size-1
// dim of %col by the constant 0.
// CHECK-LABEL: func.func @add_broadcast
func.func @add_broadcast(%x: tensor<4x16xf32>, %b: tensor<16xf32>, %col: tensor<4x1xf32>) -> tensor<4x16xf32> {
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
  // CHECK: arith.addf
  %y = graph.add %x, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
  %z = graph.add %y, %col : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  func.return %z : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @relu_and_constant
func.func @relu_and_constant(%x: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: %w = arith.constant dense<[1.000000e+00, -2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  %w = graph.constant dense<[1.0, -2.0, 3.0]> : tensor<3xf32>
  %s = graph.add %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  // CHECK: linalg.generic
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[R:.*]] = arith.maximumf %{{.*}}, %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[R]] : f32
  %r = graph.relu %s : (tensor<3xf32>) -> tensor<3xf32>
  func.return %r : tensor<3xf32>
}

// -----

// numpy matmul semantics: batch dims broadcast (size-1 batch -> index 0), a 1-D
// rhs is a vector without its own loop.
// CHECK-LABEL: func.func @batched
func.func @batched(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %v: tensor<8xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x1x4xf32>) {
  // CHECK: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
  %c = graph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]
  %d = graph.matmul %a, %v : (tensor<2x1x4x8xf32>, tensor<8xf32>) -> tensor<2x1x4xf32>
  func.return %c, %d : tensor<2x3x4x5xf32>, tensor<2x1x4xf32>
}

// -----

// Binary ops differ only in the scalar op of the body.
// CHECK-LABEL: func.func @binary
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.powf
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.mul %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = graph.div %1, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = graph.max %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = graph.min %3, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = graph.pow %4, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %5 : tensor<2x3xf32>
}

// -----

// Unary bodies: gelu (erf form, then tanh form), sigmoid, clip with both bounds
// and with one, and the one-op bodies.
// CHECK-LABEL: func.func @unary
// CHECK:      ^{{.*}}(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[R2:.*]] = arith.constant 0.707106769 : f32
// CHECK-NEXT:   %[[XS:.*]] = arith.mulf %[[X]], %[[R2]] : f32
// CHECK-NEXT:   %[[E:.*]] = math.erf %[[XS]] : f32
// CHECK-NEXT:   %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:   %[[HX:.*]] = arith.mulf %[[HALF]], %[[X]] : f32
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[OPE:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT:   %[[G:.*]] = arith.mulf %[[HX]], %[[OPE]] : f32
// CHECK-NEXT:   linalg.yield %[[G]] : f32
// CHECK:        arith.constant 4.471500e-02 : f32
// CHECK:        arith.constant 0.797884583 : f32
// CHECK:        math.tanh
// CHECK:      ^{{.*}}(%[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[ONE2:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[N:.*]] = arith.negf %[[S]] : f32
// CHECK-NEXT:   %[[EX:.*]] = math.exp %[[N]] : f32
// CHECK-NEXT:   %[[D:.*]] = arith.addf %[[ONE2]], %[[EX]] : f32
// CHECK-NEXT:   arith.divf %[[ONE2]], %[[D]] : f32
// CHECK:        arith.constant -1.000000e+00 : f32
// CHECK-NEXT:   arith.maximumf
// CHECK-NEXT:   arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   arith.minimumf
// CHECK-NEXT:   linalg.yield
// CHECK:      ^{{.*}}(%[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   arith.minimumf
// CHECK-NEXT:   linalg.yield
// CHECK: math.tanh
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.rsqrt
// CHECK: arith.negf
// CHECK: math.erf
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.gelu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.gelu %0 {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.sigmoid %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.clip %2 {min = -1.0 : f32, max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = graph.clip %3 {max = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = graph.tanh %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = graph.exp %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = graph.log %6 : (tensor<4xf32>) -> tensor<4xf32>
  %8 = graph.sqrt %7 : (tensor<4xf32>) -> tensor<4xf32>
  %9 = graph.rsqrt %8 : (tensor<4xf32>) -> tensor<4xf32>
  %10 = graph.neg %9 : (tensor<4xf32>) -> tensor<4xf32>
  %11 = graph.erf %10 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %11 : tensor<4xf32>
}

// -----

// Casts: booleans convert unsigned (0 / 1), wider integers signed, floats round.
// CHECK-LABEL: func.func @cast
// CHECK:      ins(%m : tensor<3xi1>)
// CHECK:        arith.uitofp %{{.*}} : i1 to f32
// CHECK:      ins(%n : tensor<3xi64>)
// CHECK:        arith.sitofp %{{.*}} : i64 to f32
// CHECK:      ins(%d : tensor<3xf64>)
// CHECK:        arith.truncf %{{.*}} : f64 to f32
func.func @cast(%m: tensor<3xi1>, %n: tensor<3xi64>, %d: tensor<3xf64>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %a = graph.cast %m : (tensor<3xi1>) -> tensor<3xf32>
  %b = graph.cast %n : (tensor<3xi64>) -> tensor<3xf32>
  %c = graph.cast %d : (tensor<3xf64>) -> tensor<3xf32>
  func.return %a, %b, %c : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Gemm transposes through its maps; alpha and beta * C come in an elementwise
// epilogue, which is left out when alpha = 1 and there is no C.
// CHECK-LABEL: func.func @gemm
// CHECK:      %[[P:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<8x4xf32>, tensor<16x8xf32>)
// CHECK:      %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[P]], %c : tensor<4x16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^{{.*}}(%[[ACC:.*]]: f32, %[[CV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:   %[[AP:.*]] = arith.mulf %[[ALPHA]], %[[ACC]] : f32
// CHECK-NEXT:   %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:   %[[BC:.*]] = arith.mulf %[[BETA]], %[[CV]] : f32
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %[[AP]], %[[BC]] : f32
// CHECK-NEXT:   linalg.yield %[[SUM]] : f32
// CHECK:      %z = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-NEXT: ^
// CHECK-NEXT:   arith.mulf
// CHECK-NEXT:   arith.addf
// CHECK-NEXT:   linalg.yield
// CHECK-NEXT: } -> tensor<4x16xf32>
// CHECK-NEXT: func.return %y, %z
func.func @gemm(%a: tensor<8x4xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %y = graph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %z = graph.gemm %a, %b {trans_a = true, trans_b = true} : (tensor<8x4xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  func.return %y, %z : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// The pass must not touch IR without graph ops.
// CHECK-LABEL: func.func @no_graph_ops
// CHECK-NEXT: %s = arith.addf %x, %x : f32
// CHECK-NEXT: func.return %s : f32
func.func @no_graph_ops(%x: f32) -> f32 {
  %s = arith.addf %x, %x : f32
  func.return %s : f32
}
