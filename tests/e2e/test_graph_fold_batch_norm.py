"""graph-fold-batch-norm: the folded convolution computes what conv2d + batch_norm did."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.graph_fold_batch_norm import GraphFoldBatchNorm
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module
from tests.e2e.graph_programs import dense_literal, normal, positive, tensor_type
from tests.e2e.numpy_references import batch_norm_reference, conv2d_reference


def _program(
    weight: np.ndarray, conv_bias: np.ndarray | None, stats: list[np.ndarray], group: int
) -> str:
    x_type, w_type = tensor_type((1, 4, 6, 6)), tensor_type(weight.shape)
    out = tensor_type((1, weight.shape[0], 3, 3))
    c_type = tensor_type((weight.shape[0],))
    bias = ", %cb" if conv_bias is not None else ""
    bias_type = f", {c_type}" if conv_bias is not None else ""
    lines = [
        f"func.func @f(%x: {x_type}) -> {out} {{",
        f"  %w = graph.constant {dense_literal(weight)}",
        *([f"  %cb = graph.constant {dense_literal(conv_bias)}"] if conv_bias is not None else []),
        *(f"  %p{i} = graph.constant {dense_literal(s)}" for i, s in enumerate(stats)),
        f"  %c = graph.conv2d %x, %w{bias} {{strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, "
        f"group = {group} : i64}} : ({x_type}, {w_type}{bias_type}) -> {out}",
        f"  %y = graph.batch_norm %c, %p0, %p1, %p2, %p3 {{epsilon = 1.0e-03 : f32}} : "
        f"({out}, {c_type}, {c_type}, {c_type}, {c_type}) -> {out}",
        f"  func.return %y : {out}",
        "}",
    ]
    return "\n".join(lines)


@pytest.mark.parametrize(("group", "with_bias"), [(1, False), (2, True)])
def test_folded_convolution_matches_conv_then_batch_norm(
    group: int, with_bias: bool, rng: np.random.Generator
) -> None:
    filters = 6
    weight = normal(rng, filters, 4 // group, 3, 3)
    conv_bias = normal(rng, filters) if with_bias else None
    stats = [normal(rng, filters), normal(rng, filters), normal(rng, filters), positive(rng, filters)]
    ir = _program(weight, conv_bias, stats, group)

    module = parse_module(make_context(), ir)
    GraphFoldBatchNorm().apply(make_context(), module)
    assert not [op for op in module.walk() if isinstance(op, graph.BatchNormOp)]

    x = normal(rng, 1, 4, 6, 6)
    conv = conv2d_reference(x, weight, conv_bias, (2, 2), (1, 1, 1, 1), (1, 1), group)
    expected = batch_norm_reference(conv, *stats, epsilon=1e-3)
    folded = nnopt.compile(ir, pipeline="graph-fold-batch-norm")(x)
    unfolded = nnopt.compile(ir, pipeline="")(x)
    assert isinstance(folded, np.ndarray) and isinstance(unfolded, np.ndarray)
    np.testing.assert_allclose(folded, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(folded, unfolded, rtol=1e-4, atol=1e-4)
