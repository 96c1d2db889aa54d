// RUN: nn-opt %s --split-input-file -p convert-graph-to-linalg | filecheck %s

// Grouped-query attention (4 query heads, 2 key/value heads): keys and values are
// read at head d1 floordiv 2. The logits generic scales, adds the broadcast mask
// and hides keys j > i + (Lk - Lq) = i + 2 with a select of -inf; a three-step row
// softmax follows; the output contracts the weights with v over the key loop.
// CHECK-LABEL: func.func @gqa_causal_masked
// CHECK:      %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, (d1 floordiv 2), d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>)
// CHECK:      %[[L:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[S]], %m : tensor<1x4x3x5xf32>, tensor<3x5xf32>)
// CHECK-NEXT: ^{{.*}}(%[[X:.*]]: f32, %[[M:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[SCALE:.*]] = arith.constant 0.353553385 : f32
// CHECK-NEXT:   %[[XS:.*]] = arith.mulf %[[X]], %[[SCALE]] : f32
// CHECK-NEXT:   %[[XM:.*]] = arith.addf %[[XS]], %[[M]] : f32
// CHECK-NEXT:   %[[I:.*]] = linalg.index 2 : index
// CHECK-NEXT:   %[[OFF:.*]] = arith.constant 2 : index
// CHECK-NEXT:   %[[LAST:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK-NEXT:   %[[J:.*]] = linalg.index 3 : index
// CHECK-NEXT:   %[[HIDDEN:.*]] = arith.cmpi sgt, %[[J]], %[[LAST]] : index
// CHECK-NEXT:   %[[NEGINF:.*]] = arith.constant 0xff800000 : f32
// CHECK-NEXT:   %[[SEL:.*]] = arith.select %[[HIDDEN]], %[[NEGINF]], %[[XM]] : f32
// CHECK-NEXT:   linalg.yield %[[SEL]] : f32
// CHECK:      %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[L]] : tensor<1x4x3x5xf32>)
// CHECK:      %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[L]], %[[MAX]] :
// CHECK:      %[[P:.*]] = linalg.generic {{.*}} ins(%[[L]], %[[MAX]], %[[SUM]] :
// CHECK:      %o = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, (d1 floordiv 2), d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[P]], %v : tensor<1x4x3x5xf32>, tensor<1x2x5x6xf32>)
func.func @gqa_causal_masked(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x6xf32>, %m: tensor<3x5xf32>) -> tensor<1x4x3x6xf32> {
  %o = graph.attention %q, %k, %v, %m {causal = true} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x6xf32>, tensor<3x5xf32>) -> tensor<1x4x3x6xf32>
  func.return %o : tensor<1x4x3x6xf32>
}

// -----

// Scale 1, no mask, not causal: no logits generic; one head per key/value head.
// CHECK-LABEL: func.func @unscaled
// CHECK:      %[[S:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>,
// CHECK-NOT:  linalg.index
// CHECK:      %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<1x2x3x3xf32>)
func.func @unscaled(%q: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = graph.attention %q, %q, %q {scale = 1.0 : f32} : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  func.return %o : tensor<1x2x3x4xf32>
}
