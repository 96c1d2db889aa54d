"""graph-constant-fold against the compiled program: every op of the dialect on constants.

Each function applies one graph op to constant operands. Folded (numpy, the
table of nnopt.passes.graph.semantics) and compiled to C without folding, the
results must agree; the fold must leave nothing but constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.graph_constant_fold import GraphConstantFold
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module
from tests.e2e.graph_programs import dense_literal, normal, positive, tensor_type


@dataclass
class Case:
    name: str
    op: str
    inputs: list[np.ndarray]
    result_shape: tuple[int, ...]
    attributes: str = ""
    none_operands: int = 0

    def function(self) -> str:
        lines = [f"func.func @{self.name}() -> {tensor_type(self.result_shape)} {{"]
        for i, value in enumerate(self.inputs):
            lines.append(f"  %c{i} = graph.constant {dense_literal(value)}")
        operands = ", ".join(f"%c{i}" for i in range(len(self.inputs)))
        types = ", ".join(tensor_type(v.shape) for v in self.inputs)
        attrs = f" {self.attributes}" if self.attributes else ""
        result = tensor_type(self.result_shape)
        lines.append(f"  %r = graph.{self.op} {operands}{attrs} : ({types}) -> {result}")
        lines.append(f"  func.return %r : {result}")
        lines.append("}")
        return "\n".join(lines)


def _cases(rng: np.random.Generator) -> list[Case]:
    a, b = normal(rng, 3, 4), normal(rng, 4)
    p = positive(rng, 3, 4)
    x4 = normal(rng, 1, 4, 5, 5)
    cases = [
        Case(f"binary_{op}", op, [a, b], (3, 4))
        for op in ("add", "sub", "mul", "div", "max", "min")
    ]
    cases.append(Case("binary_pow", "pow", [p, normal(rng, 4)], (3, 4)))
    cases += [
        Case(f"unary_{op}", op, [a], (3, 4))
        for op in ("relu", "gelu", "sigmoid", "tanh", "exp", "neg", "erf")
    ]
    cases += [Case(f"unary_{op}", op, [p], (3, 4)) for op in ("log", "sqrt", "rsqrt")]
    cases += [
        Case("gelu_tanh", "gelu", [a], (3, 4), '{approximate = "tanh"}'),
        Case("clip", "clip", [a], (3, 4), "{min = -0.5 : f32, max = 0.25 : f32}"),
        Case("matmul", "matmul", [normal(rng, 2, 1, 3, 5), normal(rng, 4, 5, 2)], (2, 4, 3, 2)),
        Case(
            "gemm", "gemm", [normal(rng, 5, 3), normal(rng, 4, 5), normal(rng, 3, 1)], (3, 4),
            "{alpha = 0.5 : f32, beta = -2.0 : f32, trans_a = true, trans_b = true}",
        ),
        Case(
            "conv2d", "conv2d", [x4, normal(rng, 6, 2, 3, 2), normal(rng, 6)], (1, 6, 3, 4),
            "{strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 1>, "
            "dilations = array<i64: 1, 2>, group = 2 : i64}",
        ),
        Case(
            "max_pool", "max_pool", [x4], (1, 4, 3, 2),
            "{kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, "
            "pads = array<i64: 1, 0, 0, 0>, dilations = array<i64: 1, 2>}",
        ),
        Case(
            "avg_pool", "avg_pool", [x4], (1, 4, 5, 5),
            "{kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}",
        ),
        Case(
            "avg_pool_with_pad", "avg_pool", [x4], (1, 4, 5, 5),
            "{kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true}",
        ),
        Case("global_avg_pool", "global_avg_pool", [x4], (1, 4, 1, 1)),
        Case("softmax", "softmax", [a], (3, 4), "{axis = 0 : i64}"),
        Case("layer_norm", "layer_norm", [a, normal(rng, 4), normal(rng, 4)], (3, 4)),
        Case(
            "batch_norm", "batch_norm",
            [x4, normal(rng, 4), normal(rng, 4), normal(rng, 4), positive(rng, 4)], (1, 4, 5, 5),
            "{epsilon = 1.0e-03 : f32}",
        ),
        Case("reduce_sum", "reduce_sum", [x4], (1, 4), "{axes = array<i64: 2, 3>, keepdims = false}"),
        Case("reduce_mean", "reduce_mean", [x4], (1, 1, 5, 1), "{axes = array<i64: 1, -1>}"),
        Case("reduce_max", "reduce_max", [x4], (1, 1, 1, 1)),
        Case("transpose", "transpose", [x4], (5, 1, 5, 4), "{perm = array<i64: 2, 0, 3, 1>}"),
        Case("reshape", "reshape", [x4], (10, 10)),
        Case("flatten", "flatten", [x4], (4, 25), "{axis = 2 : i64}"),
        Case("concat", "concat", [a, normal(rng, 3, 2)], (3, 6), "{axis = 1 : i64}"),
        Case("pad", "pad", [a], (4, 5), "{pads = array<i64: 2, -1, -1, 2>, value = 1.5 : f32}"),
        Case(
            "attention", "attention",
            [normal(rng, 1, 4, 3, 8), normal(rng, 1, 2, 5, 8), normal(rng, 1, 2, 5, 6),
             normal(rng, 3, 5)],
            (1, 4, 3, 6), "{causal = true, scale = 0.3 : f32}",
        ),
        Case(
            "layout", "layout", [normal(rng, 1, 8, 2, 3)], (1, 2, 2, 3, 4),
            '{from = "NCHW", to = "NCHW4c"}',
        ),
        Case(
            "conv2d_nchwc", "conv2d_nchwc",
            [normal(rng, 1, 2, 4, 4, 2), normal(rng, 3, 2, 3, 3, 2, 2), normal(rng, 3, 2)],
            (1, 3, 4, 4, 2), "{pads = array<i64: 1, 1, 1, 1>}",
        ),
    ]
    return cases


FUSED = """
func.func @fused() -> tensor<3x2xf32> {
  %a = graph.constant DENSE_A
  %b = graph.constant DENSE_B
  %y = graph.fused %a, %b : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32> {
  ^bb0(%x: tensor<3x4xf32>, %w: tensor<4x2xf32>):
    %m = graph.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
    %s = graph.sigmoid %m : (tensor<3x2xf32>) -> tensor<3x2xf32>
    graph.yield %s : tensor<3x2xf32>
  }
  func.return %y : tensor<3x2xf32>
}
"""


def _program(rng: np.random.Generator) -> tuple[str, list[str]]:
    cases = _cases(rng)
    fused = FUSED.replace("DENSE_A", dense_literal(normal(rng, 3, 4)))
    fused = fused.replace("DENSE_B", dense_literal(normal(rng, 4, 2)))
    text = "\n".join(case.function() for case in cases) + fused
    return text, [case.name for case in cases] + ["fused"]


def test_folding_leaves_only_constants(rng: np.random.Generator) -> None:
    text, names = _program(rng)
    module = parse_module(make_context(), text)
    GraphConstantFold().apply(make_context(), module)
    module.verify()
    leftovers = [
        op.name
        for op in module.walk()
        if op.dialect_name() == "graph" and not isinstance(op, graph.ConstantOp)
    ]
    assert not leftovers
    assert len([op for op in module.walk() if isinstance(op, graph.ConstantOp)]) == len(names)


def test_folded_values_match_the_compiled_ops(rng: np.random.Generator) -> None:
    text, names = _program(rng)
    folded = nnopt.compile(text, pipeline="graph-constant-fold")
    computed = nnopt.compile(text, pipeline="")
    mismatches: list[str] = []
    for name in names:
        want, got = computed[name](), folded[name]()
        assert isinstance(want, np.ndarray) and isinstance(got, np.ndarray)
        if not np.allclose(got, want, rtol=1e-5, atol=1e-5, equal_nan=True):
            mismatches.append(f"{name}: max difference {np.nanmax(np.abs(got - want))}")
    assert not mismatches


@pytest.mark.parametrize("limit", [11, 12])
def test_max_elements_limits_the_folded_results(limit: int) -> None:
    text = """
    func.func @f() -> tensor<3x4xf32> {
      %a = graph.constant dense<1.0> : tensor<4xf32>
      %b = graph.constant dense<2.0> : tensor<3x1xf32>
      %r = graph.add %a, %b : (tensor<4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
      func.return %r : tensor<3x4xf32>
    }
    """
    module = parse_module(make_context(), text)
    GraphConstantFold(max_elements=limit).apply(make_context(), module)
    ops = [op.name for op in module.walk() if op.dialect_name() == "graph"]
    expected: Sequence[str] = (
        ["graph.constant"] if limit >= 12 else ["graph.constant", "graph.constant", "graph.add"]
    )
    assert ops == expected
