// RUN: nn-opt %s --load-plugin=ex_plugin --split-input-file -p convert-ex-to-linalg | filecheck %s

// ex.softsign becomes an elementwise linalg.generic whose body applies the
// scalar op; the result keeps its name.
// CHECK-LABEL: func.func @softsign
func.func @softsign(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK:      %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
  // CHECK-NEXT: %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>) {
  // CHECK-NEXT: ^{{.*}}(%[[IN:.*]]: f32, %{{.*}}: f32):
  // CHECK-NEXT:   %[[S:.*]] = ex.softsign_f %[[IN]] : f32
  // CHECK-NEXT:   linalg.yield %[[S]] : f32
  // CHECK-NOT: ex.softsign %
  %y = ex.softsign %x : tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// -----

// Nothing to lower: other ops, including the scalar ex.softsign_f, stay.
// CHECK-LABEL: func.func @untouched
func.func @untouched(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  // CHECK-NEXT: %r = graph.relu %x
  // CHECK-NEXT: %t = ex.softsign_f %s : f32
  %r = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %t = ex.softsign_f %s : f32
  func.return %r : tensor<4xf32>
}
