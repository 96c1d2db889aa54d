// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// Softmax along axis 0: max and exp-sum are keepdims reductions (a reduction
// iterator on d0, result map (0, d1)); the last generic divides exp(x - max).
// CHECK-LABEL: func.func @softmax
// CHECK:      %[[NEGINF:.*]] = arith.constant 0xff800000 : f32
// CHECK:      %[[MI:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x8xf32>)
// CHECK:      %[[MAX:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%[[MI]] : tensor<1x8xf32>)
// CHECK:        arith.maximumf
// CHECK:      %[[SUM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (0, d1)>], iterator_types = ["reduction", "parallel"]} ins(%x, %[[MAX]] : tensor<4x8xf32>, tensor<1x8xf32>)
// CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[D:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT:   %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[E]] : f32
// CHECK:      %p = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %[[MAX]], %[[SUM]] : tensor<4x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>)
// CHECK:        math.exp
// CHECK-NEXT:   arith.divf
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p = graph.softmax %x {axis = 0 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %p : tensor<4x8xf32>
}

// -----

// Layer norm over dims 1..2 (12 elements): sum, mean, sum of squared centered
// values, 1 / sqrt(var + eps) per row, then (x - mean) * inv * scale + bias with
// scale and bias broadcast from the trailing dims.
// CHECK-LABEL: func.func @layer_norm
// CHECK:      %[[TOTAL:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>], iterator_types = ["parallel", "reduction", "reduction"]} ins(%x : tensor<2x3x4xf32>)
// CHECK:      %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<2x1x1xf32>)
// CHECK:        arith.constant 1.200000e+01 : f32
// CHECK:      %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]} ins(%x, %[[MEAN]] : tensor<2x3x4xf32>, tensor<2x1x1xf32>)
// CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[C:.*]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT:   %[[C2:.*]] = arith.mulf %[[C]], %[[C]] : f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[C2]] : f32
// CHECK:      %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<2x1x1xf32>)
// CHECK:        arith.constant 1.000000e-03 : f32
// CHECK:        math.sqrt
// CHECK:      %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>, affine_map<(d0, d1, d2) -> (d0, 0, 0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %[[MEAN]], %[[INV]], %g, %b : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<3x4xf32>, tensor<4xf32>)
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %y = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-03 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  func.return %y : tensor<2x3x4xf32>
}

// -----

// Batch norm: scale / sqrt(var + eps) per channel, then one generic reading the
// channel parameters through (d0, d1, d2) -> (d1).
// CHECK-LABEL: func.func @batch_norm
// CHECK:      %[[K:.*]] = linalg.generic {{.*}} ins(%s, %v : tensor<3xf32>, tensor<3xf32>)
// CHECK:        math.sqrt
// CHECK:      %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %m, %[[K]], %b :
func.func @batch_norm(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %y = graph.batch_norm %x, %s, %b, %m, %v : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  func.return %y : tensor<2x3x4xf32>
}

// -----

// Reductions keep the input's loop order with reduction iterators on the reduced
// axes; keepdims = false drops them from the result map, keepdims indexes 0.
// CHECK-LABEL: func.func @reductions
// CHECK:      %s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK:        arith.addf
// CHECK:      %m = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (0, d1, 0)>], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK:        arith.maximumf
// CHECK:      %[[ALL:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]}
// CHECK:      %a = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%[[ALL]] : tensor<f32>)
// CHECK:        arith.constant 2.400000e+01 : f32
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x4xf32>, tensor<1x3x1xf32>, tensor<f32>) {
  %s = graph.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %m = graph.reduce_max %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %a = graph.reduce_mean %x {keepdims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
  func.return %s, %m, %a : tensor<2x4xf32>, tensor<1x3x1xf32>, tensor<f32>
}
