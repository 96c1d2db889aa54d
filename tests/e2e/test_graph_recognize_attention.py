"""graph-recognize-attention: the recognised graph.attention computes what the decomposed ops did."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.graph_recognize_attention import GraphRecognizeAttention
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module
from tests.e2e.graph_programs import normal
from tests.e2e.numpy_references import attention_reference

# [B, L, H, D] inputs as exporters see them: heads split by transposes, keys
# transposed to [B, H, D, L] in one permutation, divided by sqrt(D) = 4, a mask.
EXPORTED = """
func.func @f(%x: tensor<2x6x3x16xf32>, %k: tensor<2x5x3x16xf32>, %v: tensor<2x5x3x8xf32>, %mask: tensor<6x5xf32>) -> tensor<2x6x3x8xf32> {
  %q = graph.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x6x3x16xf32>) -> tensor<2x3x6x16xf32>
  %kt = graph.transpose %k {perm = array<i64: 0, 2, 3, 1>} : (tensor<2x5x3x16xf32>) -> tensor<2x3x16x5xf32>
  %vt = graph.transpose %v {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x5x3x8xf32>) -> tensor<2x3x5x8xf32>
  %s = graph.matmul %q, %kt : (tensor<2x3x6x16xf32>, tensor<2x3x16x5xf32>) -> tensor<2x3x6x5xf32>
  %c = graph.constant dense<4.0> : tensor<f32>
  %t = graph.div %s, %c : (tensor<2x3x6x5xf32>, tensor<f32>) -> tensor<2x3x6x5xf32>
  %m = graph.add %mask, %t : (tensor<6x5xf32>, tensor<2x3x6x5xf32>) -> tensor<2x3x6x5xf32>
  %p = graph.softmax %m {axis = -1 : i64} : (tensor<2x3x6x5xf32>) -> tensor<2x3x6x5xf32>
  %o = graph.matmul %p, %vt : (tensor<2x3x6x5xf32>, tensor<2x3x5x8xf32>) -> tensor<2x3x6x8xf32>
  %y = graph.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x3x6x8xf32>) -> tensor<2x6x3x8xf32>
  func.return %y : tensor<2x6x3x8xf32>
}
"""

# One key/value head shared by 4 query heads, scaled by a multiplication.
MULTI_QUERY = """
func.func @f(%q: tensor<1x4x7x8xf32>, %k: tensor<1x1x9x8xf32>, %v: tensor<1x1x9x4xf32>) -> tensor<1x4x7x4xf32> {
  %kt = graph.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x1x9x8xf32>) -> tensor<1x1x8x9xf32>
  %s = graph.matmul %q, %kt : (tensor<1x4x7x8xf32>, tensor<1x1x8x9xf32>) -> tensor<1x4x7x9xf32>
  %c = graph.constant dense<0.3> : tensor<1xf32>
  %t = graph.mul %s, %c : (tensor<1x4x7x9xf32>, tensor<1xf32>) -> tensor<1x4x7x9xf32>
  %p = graph.softmax %t : (tensor<1x4x7x9xf32>) -> tensor<1x4x7x9xf32>
  %o = graph.matmul %p, %v : (tensor<1x4x7x9xf32>, tensor<1x1x9x4xf32>) -> tensor<1x4x7x4xf32>
  func.return %o : tensor<1x4x7x4xf32>
}
"""


def _exported(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    x, k, v = normal(rng, 2, 6, 3, 16), normal(rng, 2, 5, 3, 16), normal(rng, 2, 5, 3, 8)
    mask = normal(rng, 6, 5)
    heads = [a.transpose(0, 2, 1, 3) for a in (x, k, v)]
    expected = attention_reference(*heads, mask=mask, scale=0.25).transpose(0, 2, 1, 3)
    return [x, k, v, mask], expected


def _multi_query(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    q, k, v = normal(rng, 1, 4, 7, 8), normal(rng, 1, 1, 9, 8), normal(rng, 1, 1, 9, 4)
    return [q, k, v], attention_reference(q, k, v, scale=np.float32(0.3))


@pytest.mark.parametrize(
    ("ir", "make_inputs"),
    [(EXPORTED, _exported), (MULTI_QUERY, _multi_query)],
    ids=["exported", "multi_query"],
)
def test_recognised_attention_matches_decomposed_ops(
    ir: str,
    make_inputs: Callable[[np.random.Generator], tuple[list[np.ndarray], np.ndarray]],
    rng: np.random.Generator,
) -> None:
    module = parse_module(make_context(), ir)
    GraphRecognizeAttention().apply(make_context(), module)
    ops = [op for op in module.walk() if op.dialect_name() == "graph"]
    assert sum(isinstance(op, graph.AttentionOp) for op in ops) == 1
    assert not any(isinstance(op, graph.SoftmaxOp | graph.MatmulOp) for op in ops)

    inputs, expected = make_inputs(rng)
    recognised = nnopt.compile(ir, pipeline="graph-recognize-attention")(*inputs)
    decomposed = nnopt.compile(ir, pipeline="")(*inputs)
    assert isinstance(recognised, np.ndarray) and isinstance(decomposed, np.ndarray)
    np.testing.assert_allclose(recognised, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(recognised, decomposed, rtol=1e-5, atol=1e-5)
