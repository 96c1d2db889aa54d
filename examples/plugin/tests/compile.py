# The Python API with the plugin: compile, run, compare with numpy.
# RUN: %python %s | filecheck %s
# CHECK: max error {{[0-9.e+-]+}} ok
import numpy as np

import nnopt

IR = """
func.func @softsign(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %y = ex.softsign %x : tensor<3x5xf32>
  func.return %y : tensor<3x5xf32>
}
"""
x = np.random.default_rng(0).standard_normal((3, 5), dtype=np.float32)
expected = x / (1 + np.abs(x))
for pipeline in ("convert-ex-to-linalg", "convert-ex-to-linalg,lower-to-affine,ex-expand-softsign"):
    y = nnopt.compile(IR, pipeline=pipeline, plugins=["ex_plugin"])(x)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)
print(f"max error {np.max(np.abs(y - expected)):.1e} ok")
