// RUN: NNOPT_ROUNDTRIP
// RUN: nn-opt %s | nn-opt - | filecheck %s

// Hexadecimal elements of float dense literals are bit patterns, as in MLIR:
// -inf, NaN and 2^24 (which xDSL prints in hexadecimal) survive printing and
// parsing again; xDSL 0.74 alone reads 0xFF800000 as the number 4286578688.
// CHECK-LABEL: func.func @special_values
// CHECK-NEXT:    %c = graph.constant dense<[0xff800000, 0x7fc00000, 0x4B800000, 1.000000e+00]> : tensor<4xf32>
// CHECK-NEXT:    %s = arith.constant dense<0xfff0000000000000> : tensor<2xf64>
func.func @special_values() -> (tensor<4xf32>, tensor<2xf64>) {
  %c = graph.constant dense<[0xFF800000, 0x7FC00000, 0x4B800000, 1.0]> : tensor<4xf32>
  %s = arith.constant dense<0xFFF0000000000000> : tensor<2xf64>
  func.return %c, %s : tensor<4xf32>, tensor<2xf64>
}
