// RUN: nn-opt %s --load-plugin=ex_plugin --split-input-file --verify-diagnostics

func.func @type_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{'ex.softsign' op result 'y' at position 0 does not verify}}
  %y = "ex.softsign"(%x) : (tensor<4xf32>) -> tensor<3xf32>
  func.return
}

// -----

func.func @not_a_float(%x: i32) {
  // expected-error @+1 {{'ex.softsign_f' op operand 'x' at position 0 does not verify}}
  %y = "ex.softsign_f"(%x) : (i32) -> i32
  func.return
}
