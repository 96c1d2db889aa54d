"""The graph dialect from Python: building ops with inferred types, and its inventory."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, TensorType, f32, i64
from xdsl.ir import Block
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array
from nnopt.lowering.graph_lowerings import LOWERINGS


def _args(*shapes: tuple[int, ...]) -> Block:
    return Block(arg_types=[TensorType(f32, s) for s in shapes])


def test_inferred_conv2d_without_bias_takes_defaults() -> None:
    block = _args((1, 3, 8, 8), (4, 3, 3, 3))
    x, w = block.args
    op = graph.Conv2dOp.inferred([x, w, []], {"pads": int_array([1, 1, 1, 1])})
    block.add_op(op)
    op.verify()
    assert op.result.type == TensorType(f32, (1, 4, 8, 8))
    assert op.bias is None
    assert op.group == IntegerAttr(1, i64)
    assert op.strides == int_array([1, 1])


def test_inferred_gemm_and_attention_with_optional_operands() -> None:
    block = _args((8, 4), (16, 8), (16,), (1, 4, 6, 8), (1, 2, 6, 8))
    a, b, c, q, kv = block.args
    gemm = graph.GemmOp.inferred(
        [a, b, [c]],
        {"trans_a": IntegerAttr.from_bool(True), "trans_b": IntegerAttr.from_bool(True),
         "alpha": FloatAttr(0.5, f32)},
    )
    attention = graph.AttentionOp.inferred([q, kv, kv, []])
    for op in (gemm, attention):
        block.add_op(op)
        op.verify()
    assert gemm.result.type == TensorType(f32, (4, 16))
    assert attention.result.type == TensorType(f32, (1, 4, 6, 8))
    assert attention.scale_value() == pytest.approx(8**-0.5)


def test_inferred_reports_operands_that_do_not_fit() -> None:
    block = _args((1, 3, 8, 8), (4, 2, 3, 3))
    with pytest.raises(VerifyException, match="weight has 2 input channels, expected 3"):
        graph.Conv2dOp.inferred([block.args[0], block.args[1], []])


@pytest.mark.parametrize("op_type", graph.GRAPH_OPS, ids=lambda t: t.name)
def test_every_op_lowers_and_documents_its_syntax(op_type: type) -> None:
    assert op_type in LOWERINGS, f"{op_type.name} has no lowering to linalg"
    doc = op_type.__doc__ or ""
    assert f"{op_type.name} " in doc, f"{op_type.name} has no MLIR example in its docstring"
