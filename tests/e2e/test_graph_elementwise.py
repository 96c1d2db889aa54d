"""Elementwise graph ops compiled to C against numpy: broadcasting, bodies, NaN."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from tests.e2e.graph_programs import check_against_numpy, normal, positive, run_both, single_op_ir
from tests.e2e.numpy_references import erf_reference, gelu_reference

BINARY: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "max": np.maximum,
    "min": np.minimum,
    "pow": np.power,
}


@pytest.mark.parametrize(
    ("op", "lhs_shape", "rhs_shape"),
    [
        ("add", (3, 5), (3, 5)),
        ("sub", (2, 3, 5), (5,)),
        ("mul", (4, 1), (1, 7)),
        ("div", (2, 1, 3), (4, 1)),
        ("max", (7,), (3, 1)),
        ("min", (1,), (2, 3)),
        ("pow", (3, 4), ()),
    ],
)
def test_binary_broadcasting(
    op: str, lhs_shape: tuple[int, ...], rhs_shape: tuple[int, ...], rng: np.random.Generator
) -> None:
    lhs = positive(rng, *lhs_shape) if op == "pow" else normal(rng, *lhs_shape)
    rhs = normal(rng, *rhs_shape)
    if op == "div":
        rhs = np.where(np.abs(rhs) < 0.1, np.float32(0.5), rhs).astype(np.float32)
    expected = BINARY[op](lhs.astype(np.float64), rhs.astype(np.float64))
    ir = single_op_ir(op, [lhs_shape, rhs_shape], expected.shape)
    check_against_numpy(ir, [lhs, rhs], expected, rtol=1e-5, atol=1e-6)


def test_max_and_min_propagate_nan() -> None:
    a = np.array([np.nan, 1.0, -2.0, np.nan], dtype=np.float32)
    b = np.array([0.0, np.nan, 3.0, np.nan], dtype=np.float32)
    for op, reference in (("max", np.maximum), ("min", np.minimum)):
        ir = single_op_ir(op, [(4,), (4,)], (4,))
        check_against_numpy(ir, [a, b], reference(a, b), rtol=0, atol=0)


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


UNARY: list[tuple[str, str, Callable[[np.ndarray], np.ndarray], bool]] = [
    # (op, attributes, reference, positive inputs only)
    ("relu", "", lambda x: np.maximum(x, 0), False),
    ("gelu", "", gelu_reference, False),
    ("gelu", '{approximate = "tanh"}', _gelu_tanh, False),
    ("sigmoid", "", lambda x: 1 / (1 + np.exp(-x)), False),
    ("tanh", "", np.tanh, False),
    ("exp", "", np.exp, False),
    ("log", "", np.log, True),
    ("sqrt", "", np.sqrt, True),
    ("rsqrt", "", lambda x: 1 / np.sqrt(x), True),
    ("neg", "", np.negative, False),
    ("erf", "", erf_reference, False),
    ("clip", "{min = -0.5 : f32, max = 0.75 : f32}", lambda x: np.clip(x, -0.5, 0.75), False),
    ("clip", "{max = 0.25 : f32}", lambda x: np.minimum(x, 0.25), False),
    ("clip", "{min = 0.0 : f32}", lambda x: np.maximum(x, 0.0), False),
]


@pytest.mark.parametrize(
    ("op", "attributes", "reference", "only_positive"),
    UNARY,
    ids=[f"{op}{'-' + attrs.split()[0][1:] if attrs else ''}" for op, attrs, _, _ in UNARY],
)
def test_unary(
    op: str,
    attributes: str,
    reference: Callable[[np.ndarray], np.ndarray],
    only_positive: bool,
    rng: np.random.Generator,
) -> None:
    x = positive(rng, 3, 17) if only_positive else normal(rng, 3, 17, scale=2.0)
    ir = single_op_ir(op, [x.shape], x.shape, attributes)
    check_against_numpy(ir, [x], reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_sigmoid_saturates_without_nan() -> None:
    x = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    ir = single_op_ir("sigmoid", [x.shape], x.shape)
    expected = np.array([0.0, 1 / (1 + math.exp(100)), 0.5, 1.0, 1.0])
    check_against_numpy(ir, [x], expected, rtol=1e-6, atol=1e-30)


def test_double_precision_elementwise(rng: np.random.Generator) -> None:
    x = rng.standard_normal((5, 3))
    ir = single_op_ir("gelu", [x.shape], x.shape, element="f64")
    expected = gelu_reference(x)
    check_against_numpy(ir, [x], expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("values", "element", "target"),
    [
        (np.array([[True, False, True], [False, False, True]]), "i1", "f32"),
        (np.array([-(2**40), -3, 0, 7, 2**40], dtype=np.int64), "i64", "f32"),
        (np.array([[-5, 2], [9, -1]], dtype=np.int32), "i32", "f64"),
        (np.array([1 / 3, -2.5, 1e-40], dtype=np.float64), "f64", "f32"),
        (np.array([1 / 3, -2.5], dtype=np.float32), "f32", "f64"),
    ],
    ids=["bool", "int64", "int32-to-f64", "f64-to-f32", "f32-to-f64"],
)
def test_cast(values: np.ndarray, element: str, target: str) -> None:
    dtype = {"f32": np.float32, "f64": np.float64}[target]
    shape = "".join(f"{d}x" for d in values.shape)
    ir = (
        f"func.func @f(%x: tensor<{shape}{element}>) -> tensor<{shape}{target}> {{\n"
        f"  %r = graph.cast %x : (tensor<{shape}{element}>) -> tensor<{shape}{target}>\n"
        f"  func.return %r : tensor<{shape}{target}>\n"
        "}\n"
    )
    expected = values.astype(dtype)
    for result in run_both(ir, [values]):
        assert result.dtype == dtype
        np.testing.assert_array_equal(result, expected)
