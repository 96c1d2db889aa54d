// From the plugin's tensor op all the way to C, through nn-opt's own levels.
// Unexpanded, the C comes from the plugin's handler; expanded, from arith/math.
// RUN: nn-opt %s --load-plugin=ex_plugin -p convert-ex-to-linalg,lower-to-affine -t c | filecheck %s --check-prefix=HANDLER
// RUN: nn-opt %s --load-plugin=ex_plugin -p convert-ex-to-linalg,lower-to-affine -t c | %cc -o /dev/null -
// RUN: nn-opt %s --load-plugin=ex_plugin -p convert-ex-to-linalg,lower-to-affine,ex-expand-softsign -t c | filecheck %s --check-prefix=EXPANDED

// HANDLER-LABEL: int softsign(const float *restrict x, float *restrict out)
// HANDLER:         const float [[V:.*]] = x[i];
// HANDLER-NEXT:    const float [[S:.*]] = [[V]] / (1 + fabsf([[V]]));
// HANDLER-NEXT:    out[i] = [[S]];

// EXPANDED-LABEL: int softsign(
// EXPANDED:         fabsf(
// EXPANDED:         1.0f +
// EXPANDED-NOT:     ex.
func.func @softsign(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = ex.softsign %x : tensor<8xf32>
  func.return %y : tensor<8xf32>
}
