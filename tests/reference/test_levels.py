"""The reference executor agrees with numpy at every level of the dense+ReLU lowering,
and with the compiled C on the same IR."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.compiler import load_ir
from nnopt.lowering.pipeline import parse_pipeline, run_pass
from nnopt.registry import make_context
from nnopt.tools.nn_demo import dense_relu_ir, dense_relu_reference

STEPS = ["convert-graph-to-linalg", "bufferize", "convert-linalg-to-affine"]


@pytest.mark.parametrize(("m", "k", "n"), [(4, 8, 16), (3, 1, 5), (1, 7, 1)])
def test_every_level_matches_numpy(m: int, k: int, n: int, rng: np.random.Generator) -> None:
    x = rng.standard_normal((m, k), dtype=np.float32)
    w = rng.standard_normal((k, n), dtype=np.float32)
    b = rng.standard_normal(n, dtype=np.float32)
    expected = dense_relu_reference(x, w, b)
    ctx = make_context()
    module = load_ir(dense_relu_ir(m, k, n), ctx)
    levels = [nnopt.reference.run(module, "dense_relu", x, w, b)]
    for name in STEPS:
        run_pass(ctx, module, parse_pipeline(name)[0])
        levels.append(nnopt.reference.run(module, "dense_relu", x, w, b))
    for result in levels:
        assert isinstance(result, np.ndarray) and result.dtype == np.float32
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)
    compiled = nnopt.compile(module, pipeline="")(x, w, b)
    np.testing.assert_allclose(levels[-1], compiled, rtol=1e-5, atol=1e-5)


def test_graph_inputs_are_not_modified_and_results_are_fresh() -> None:
    x = np.ones((2, 2), np.float32)
    w = np.eye(2, dtype=np.float32)
    b = np.zeros(2, np.float32)
    before = (x.copy(), w.copy(), b.copy())
    y = nnopt.reference.run(dense_relu_ir(2, 2, 2), "dense_relu", x, w, b)
    y[0, 0] = 42.0
    again = nnopt.reference.run(dense_relu_ir(2, 2, 2), "dense_relu", x, w, b)
    assert again[0, 0] == 1.0
    for array, original in zip((x, w, b), before, strict=True):
        np.testing.assert_array_equal(array, original)


def test_arguments_are_checked_like_a_compiled_function() -> None:
    ir = dense_relu_ir(4, 8, 16)
    x, w, b = np.ones((4, 8), np.float32), np.ones((8, 16), np.float32), np.ones(16, np.float32)
    with pytest.raises(nnopt.ArgumentError, match="argument 'x' must have dtype float32, got float64"):
        nnopt.reference.run(ir, "dense_relu", x.astype(np.float64), w, b)
    with pytest.raises(nnopt.ArgumentError, match=r"argument 'w' must have shape \(8, 16\)"):
        nnopt.reference.run(ir, "dense_relu", x, w.T.copy(), b)
    with pytest.raises(nnopt.ArgumentError, match="takes 3 arguments"):
        nnopt.reference.run(ir, "dense_relu", x, w)
    with pytest.raises(nnopt.reference.ExecutionError, match=r"no function 'nope' \(have: dense_relu\)"):
        nnopt.reference.run(ir, "nope", x, w, b)


def test_bufferized_function_takes_inputs_and_returns_outputs() -> None:
    ctx = make_context()
    module = load_ir(dense_relu_ir(2, 3, 4), ctx)
    for name in STEPS[:2]:
        run_pass(ctx, module, parse_pipeline(name)[0])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    w = np.ones((3, 4), np.float32)
    b = -np.arange(4, dtype=np.float32)
    out = nnopt.reference.run(module, "dense_relu", x, w, b)
    np.testing.assert_array_equal(out, dense_relu_reference(x, w, b))
