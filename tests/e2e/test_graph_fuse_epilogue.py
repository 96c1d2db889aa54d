"""graph-fuse-epilogue: contraction + epilogue as one loop nest, against the unfused program.

Each program is compiled three ways: fused (graph-fuse-epilogue, then only the
conversions), fused and optimised (graph-fuse-epilogue, then the default
pipeline), and unfused without optimisation; all must agree with numpy, and
the fused function must be one loop nest.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from xdsl.dialects import func

import nnopt
from nnopt.dialects import affine
from tests.e2e.graph_programs import normal, tensor_type
from tests.e2e.numpy_references import conv2d_reference, gelu_reference

Step = tuple[str, str, list[str], str, tuple[int, ...]]
"""(result, op, operands, attribute dictionary or "", result shape)."""


@dataclass
class Program:
    name: str
    inputs: list[tuple[int, ...]]
    steps: list[Step]
    """The ops, reading %a0, %a1, ...; the last one's result is returned."""
    reference: Callable[..., np.ndarray]

    def ir(self) -> str:
        shapes = {f"%a{i}": shape for i, shape in enumerate(self.inputs)}
        params = ", ".join(f"{name}: {tensor_type(s)}" for name, s in shapes.items())
        lines: list[str] = []
        for result, op, operands, attrs, shape in self.steps:
            types = ", ".join(tensor_type(shapes[o]) for o in operands)
            attributes = f" {attrs}" if attrs else ""
            lines.append(
                f"  {result} = graph.{op} {', '.join(operands)}{attributes} : "
                f"({types}) -> {tensor_type(shape)}"
            )
            shapes[result] = shape
        last, out = self.steps[-1][0], tensor_type(self.steps[-1][4])
        body = "\n".join(lines)
        return f"func.func @f({params}) -> {out} {{\n{body}\n  func.return {last} : {out}\n}}\n"


def _conv_residual(x: np.ndarray, w: np.ndarray, b: np.ndarray, res: np.ndarray) -> np.ndarray:
    conv = conv2d_reference(x, w, b, (2, 2), (1, 1, 1, 1), (1, 1), 2)
    return np.clip(conv + res, 0.0, 6.0)


def _blocked_conv(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    # x: [1, 2, 5, 5, 4] (C = 8), w: [2, 2, 3, 3, 4, 4] (F = 8); NCHWc result
    plain_x = x.transpose(0, 1, 4, 2, 3).reshape(1, 8, 5, 5)
    plain_w = w.transpose(0, 5, 1, 4, 2, 3).reshape(8, 8, 3, 3)
    out = conv2d_reference(plain_x, plain_w, None, (1, 1), (0, 0, 0, 0), (1, 1), 1)
    return np.tanh(out.reshape(1, 2, 4, 3, 3).transpose(0, 1, 3, 4, 2))


PROGRAMS = [
    Program(
        "matmul_bias_relu",
        [(5, 7), (7, 9), (9,)],
        [
            ("%m", "matmul", ["%a0", "%a1"], "", (5, 9)),
            ("%s", "add", ["%m", "%a2"], "", (5, 9)),
            ("%r", "relu", ["%s"], "", (5, 9)),
        ],
        lambda a, w, b: np.maximum(a.astype(np.float64) @ w + b, 0.0),
    ),
    Program(
        "conv_bias_residual_clip",
        [(1, 4, 9, 9), (6, 2, 3, 3), (6,), (1, 6, 5, 5)],
        [
            (
                "%c", "conv2d", ["%a0", "%a1", "%a2"],
                "{strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64}",
                (1, 6, 5, 5),
            ),
            ("%s", "add", ["%a3", "%c"], "", (1, 6, 5, 5)),
            ("%r", "clip", ["%s"], "{min = 0.0 : f32, max = 6.0 : f32}", (1, 6, 5, 5)),
        ],
        _conv_residual,
    ),
    Program(
        "gemm_gelu",
        [(4, 6), (5, 6), (5,)],
        [
            (
                "%g", "gemm", ["%a0", "%a1", "%a2"],
                "{alpha = 0.5 : f32, beta = 2.0 : f32, trans_b = true}", (4, 5),
            ),
            ("%r", "gelu", ["%g"], "", (4, 5)),
        ],
        lambda a, b, c: gelu_reference(0.5 * (a.astype(np.float64) @ b.T) + 2.0 * c),
    ),
    Program(
        "batched_matmul_scale_sigmoid",
        [(2, 3, 4, 5), (5, 6), (1,)],
        [
            ("%m", "matmul", ["%a0", "%a1"], "", (2, 3, 4, 6)),
            ("%s", "mul", ["%m", "%a2"], "", (2, 3, 4, 6)),
            ("%r", "sigmoid", ["%s"], "", (2, 3, 4, 6)),
        ],
        lambda a, b, k: 1 / (1 + np.exp(-k * (a.astype(np.float64) @ b))),
    ),
    Program(
        "vector_matmul_tanh",
        [(7,), (7, 3)],
        [
            ("%m", "matmul", ["%a0", "%a1"], "", (3,)),
            ("%r", "tanh", ["%m"], "", (3,)),
        ],
        lambda a, b: np.tanh(a.astype(np.float64) @ b),
    ),
    Program(
        "blocked_conv_tanh",
        [(1, 2, 5, 5, 4), (2, 2, 3, 3, 4, 4)],
        [
            ("%c", "conv2d_nchwc", ["%a0", "%a1"], "", (1, 2, 3, 3, 4)),
            ("%r", "tanh", ["%c"], "", (1, 2, 3, 3, 4)),
        ],
        _blocked_conv,
    ),
]


def _top_level_loops(exe: nnopt.Executable) -> int:
    [function] = [op for op in exe.module.body.block.ops if isinstance(op, func.FuncOp)]
    return sum(isinstance(op, affine.ForOp) for op in function.body.block.ops)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_fused_nest_matches_unfused_program(program: Program, rng: np.random.Generator) -> None:
    inputs = [normal(rng, *shape) for shape in program.inputs]
    expected = program.reference(*inputs)
    ir = program.ir()
    fused = nnopt.compile(ir, pipeline="graph-fuse-epilogue")
    optimised = nnopt.compile(ir, pipeline="graph-fuse-epilogue,default-pipeline")
    unfused = nnopt.compile(ir, pipeline="")
    padding = 2 if program.name == "conv_bias_residual_clip" else 0  # fill + copy of the padding
    assert _top_level_loops(fused) == 1 + padding
    results = [exe(*inputs) for exe in (fused, optimised, unfused)]
    for result in results:
        assert isinstance(result, np.ndarray)
        np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(results[0], results[2], rtol=1e-5, atol=1e-6)
    assert math.isfinite(float(np.abs(results[1]).max()))
