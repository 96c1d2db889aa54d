"""Helpers for end-to-end tests of graph ops: one-op programs and the three-way check.

    ir = single_op_ir("softmax", [(4, 8)], (4, 8), "{axis = 0 : i64}")
    check_against_numpy(ir, [x], expected, rtol=1e-5, atol=1e-6)

`check_against_numpy` compiles the program twice, with the default pipeline and
with none (`pipeline=""`), runs both, and compares each with the numpy
reference and with each other.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import nnopt


def tensor_type(shape: Sequence[int], element: str = "f32") -> str:
    return "tensor<" + "".join(f"{d}x" for d in shape) + f"{element}>"


def dense_literal(array: np.ndarray) -> str:
    """`dense<...> : tensor<...>` holding `array` exactly (float32 values as decimals)."""
    values = np.asarray(array, dtype=np.float32).tolist()
    return f"dense<{values!r}> : {tensor_type(array.shape)}"


def single_op_ir(
    op: str,
    operand_shapes: Sequence[Sequence[int]],
    result_shape: Sequence[int],
    attributes: str = "",
    element: str = "f32",
) -> str:
    """A function @f applying `graph.<op>` with `attributes` to its arguments."""
    types = [tensor_type(s, element) for s in operand_shapes]
    result = tensor_type(result_shape, element)
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(types))
    operands = ", ".join(f"%a{i}" for i in range(len(types)))
    attrs = f" {attributes}" if attributes else ""
    return (
        f"func.func @f({params}) -> {result} {{\n"
        f"  %r = graph.{op} {operands}{attrs} : ({', '.join(types)}) -> {result}\n"
        f"  func.return %r : {result}\n"
        "}\n"
    )


def run_both(ir: str, inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(optimised, unoptimised) results of the program on `inputs`."""
    optimised = nnopt.compile(ir)(*inputs)
    unoptimised = nnopt.compile(ir, pipeline="")(*inputs)
    assert isinstance(optimised, np.ndarray) and isinstance(unoptimised, np.ndarray)
    return optimised, unoptimised


def check_against_numpy(
    ir: str,
    inputs: Sequence[np.ndarray],
    expected: np.ndarray,
    rtol: float,
    atol: float,
) -> np.ndarray:
    """Compile and run `ir` both ways; both must match `expected` and each other."""
    optimised, unoptimised = run_both(ir, inputs)
    assert optimised.shape == expected.shape, (optimised.shape, expected.shape)
    assert optimised.dtype == inputs[0].dtype
    np.testing.assert_allclose(optimised, expected, rtol=rtol, atol=atol)
    np.testing.assert_allclose(unoptimised, expected, rtol=rtol, atol=atol)
    np.testing.assert_allclose(optimised, unoptimised, rtol=rtol, atol=atol)
    return optimised


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.asarray(scale * rng.standard_normal(shape), dtype=np.float32)


def positive(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return np.asarray(rng.uniform(0.1, 4.0, shape), dtype=np.float32)
