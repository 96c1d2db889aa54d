// RUN: nn-opt %s --load-plugin=ex_plugin --split-input-file -p ex-expand-softsign | filecheck %s

// CHECK-LABEL: func.func @scalar
func.func @scalar(%x: f64) -> f64 {
  // CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
  // CHECK-NEXT: %[[ABS:.*]] = math.absf %x : f64
  // CHECK-NEXT: %[[DEN:.*]] = arith.addf %[[ONE]], %[[ABS]] : f64
  // CHECK-NEXT: %[[Y:.*]] = arith.divf %x, %[[DEN]] : f64
  // CHECK-NEXT: func.return %[[Y]] : f64
  %y = ex.softsign_f %x : f64
  func.return %y : f64
}

// -----

// The tensor op is not the pattern's business: it must stay as it is.
// CHECK-LABEL: func.func @tensor_op_stays
func.func @tensor_op_stays(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %y = ex.softsign %x : tensor<4xf32>
  // CHECK-NOT: arith.divf
  %y = ex.softsign %x : tensor<4xf32>
  func.return %y : tensor<4xf32>
}
