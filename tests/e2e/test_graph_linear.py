"""graph.matmul and graph.gemm compiled to C against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.graph_programs import check_against_numpy, normal, single_op_ir


@pytest.mark.parametrize(
    ("lhs_shape", "rhs_shape"),
    [((2, 1, 3, 5), (4, 5, 2)), ((7,), (3, 7, 2)), ((3, 4, 6), (6,))],
)
def test_batched_matmul(
    lhs_shape: tuple[int, ...], rhs_shape: tuple[int, ...], rng: np.random.Generator
) -> None:
    a, b = normal(rng, *lhs_shape), normal(rng, *rhs_shape)
    expected = np.matmul(a.astype(np.float64), b)
    ir = single_op_ir("matmul", [lhs_shape, rhs_shape], expected.shape)
    check_against_numpy(ir, [a, b], expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("trans_a", "trans_b", "alpha", "beta", "c_shape"),
    [
        (False, False, 1.0, 1.0, None),
        (True, False, 0.5, 1.0, None),
        (False, True, 1.0, 2.0, (5,)),
        (True, True, -1.5, 0.25, (3, 1)),
        (False, False, 1.0, 1.0, (3, 5)),
        (False, False, 2.0, -1.0, ()),
    ],
)
def test_gemm(
    trans_a: bool,
    trans_b: bool,
    alpha: float,
    beta: float,
    c_shape: tuple[int, ...] | None,
    rng: np.random.Generator,
) -> None:
    m, k, n = 3, 7, 5
    a = normal(rng, *((k, m) if trans_a else (m, k)))
    b = normal(rng, *((n, k) if trans_b else (k, n)))
    inputs = [a, b]
    expected = alpha * ((a.T if trans_a else a).astype(np.float64) @ (b.T if trans_b else b))
    if c_shape is not None:
        c = normal(rng, *c_shape)
        inputs.append(c)
        expected = expected + beta * c
    attrs = [f"alpha = {alpha} : f32", f"beta = {beta} : f32"]
    attrs += ["trans_a = true"] * trans_a + ["trans_b = true"] * trans_b
    shapes = [x.shape for x in inputs]
    ir = single_op_ir("gemm", shapes, (m, n), "{" + ", ".join(attrs) + "}")
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-5)
