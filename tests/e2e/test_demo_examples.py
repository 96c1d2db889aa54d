"""The demo's examples end to end: graph IR -> C -> run -> compare with numpy.

The dense layer is the README example; the attention block is the demo's
causal self-attention on [1, 2, 16, 8], checked against this suite's own reference.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.tools.nn_demo import attention_ir, dense_relu_ir, dense_relu_reference, run
from tests.e2e.numpy_references import attention_reference


@pytest.mark.sanitize
@pytest.mark.parametrize(("m", "k", "n"), [(4, 8, 16), (33, 17, 65), (1, 7, 3), (64, 1, 31)])
def test_dense_relu_matches_numpy(m: int, k: int, n: int, rng: np.random.Generator) -> None:
    x = rng.standard_normal((m, k), dtype=np.float32)
    w = rng.standard_normal((k, n), dtype=np.float32)
    b = rng.standard_normal(n, dtype=np.float32)
    expected = dense_relu_reference(x, w, b)
    optimised = nnopt.compile(dense_relu_ir(m, k, n))(x, w, b)
    unoptimised = nnopt.compile(dense_relu_ir(m, k, n), pipeline="")(x, w, b)
    assert isinstance(optimised, np.ndarray) and optimised.dtype == np.float32
    np.testing.assert_allclose(optimised, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(unoptimised, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(optimised, unoptimised, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("causal", [True, False])
def test_attention_block_matches_numpy(causal: bool, rng: np.random.Generator) -> None:
    q, k, v = (rng.standard_normal((1, 2, 16, 8), dtype=np.float32) for _ in range(3))
    expected = attention_reference(q, k, v, causal=causal)
    optimised = nnopt.compile(attention_ir(1, 2, 16, 8, causal))(q, k, v)
    unoptimised = nnopt.compile(attention_ir(1, 2, 16, 8, causal), pipeline="")(q, k, v)
    assert isinstance(optimised, np.ndarray) and optimised.dtype == np.float32
    np.testing.assert_allclose(optimised, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(unoptimised, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(optimised, unoptimised, rtol=1e-5, atol=1e-6)
    if causal:
        # the first query sees only the first key: its output is that key's value
        np.testing.assert_allclose(optimised[0, :, 0], v[0, :, 0], rtol=1e-6)


def test_relu_propagates_nan_like_numpy() -> None:
    exe = nnopt.compile(dense_relu_ir(1, 1, 3))
    out = exe(
        np.array([[1.0]], dtype=np.float32),
        np.array([[np.nan, -1.0, 2.0]], dtype=np.float32),
        np.zeros(3, dtype=np.float32),
    )
    assert np.isnan(out[0, 0]) and out[0, 1] == 0.0 and out[0, 2] == 2.0


def test_demo_runs_and_reports_success(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 0
    out = capsys.readouterr().out
    assert "causal attention 1x2x16x8" in out
    assert "BAD" not in out
    assert "all examples match numpy" in out


@pytest.mark.sanitize
def test_memref_level_function_works_in_place(rng: np.random.Generator) -> None:
    exe = nnopt.compile(
        """
        func.func @scale(%A: memref<5x7xf32>, %B: memref<5x7xf32>) {
          %two = arith.constant 2.0 : f32
          affine.for %i = 0 to 5 {
            affine.for %j = 0 to 7 {
              %v = affine.load %A[%i, %j] : memref<5x7xf32>
              %d = arith.mulf %v, %two : f32
              affine.store %d, %B[%i, %j] : memref<5x7xf32>
            }
          }
          func.return
        }
        """
    )
    a = rng.standard_normal((5, 7), dtype=np.float32)
    b = np.zeros_like(a)
    assert exe.scale(a, b) is None
    np.testing.assert_array_equal(b, 2 * a)
    assert exe.scale.signature.params[0].writes is False
    assert exe.scale.signature.params[1].writes is True
