"""graph-constant-fold: evaluate graph ops on constants at compile time.

A graph op whose operands are all graph.constant is evaluated with numpy (the
table of `nnopt.passes.graph.semantics`, which the reference executor also runs:
computed in float64 and rounded to the element type) and replaced by a
graph.constant; constants left unused are removed. Results with more than
`max-elements` elements, and ops numpy cannot evaluate (an element type it
lacks, such as bf16), are not folded (a remark says why).

    %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %b = graph.constant dense<3.0> : tensor<2xf32>
    %c = graph.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %r = graph.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
becomes
    %c = graph.constant dense<[3.0, 6.0]> : tensor<2xf32>
    %r = graph.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import Rewriter

from nnopt.dialects import graph
from nnopt.passes.graph.constants import constant_array, constant_op
from nnopt.passes.graph.semantics import NotEvaluable, WrongResultShape, evaluate
from nnopt.support.diagnostics import CompileError, emit_remark

DEFAULT_MAX_ELEMENTS = 1 << 20


@dataclass
class FoldConstantOperands(RewritePattern):
    """Replace a graph op of constants by the constant it computes."""

    max_elements: int

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.dialect_name() != "graph" or isinstance(op, graph.ConstantOp | graph.YieldOp):
            return
        if len(op.results) != 1 or not isinstance(op.results[0].type, TensorType):
            return
        inputs = [constant_array(operand) for operand in op.operands]
        if any(value is None for value in inputs):
            return
        result_type = op.results[0].type
        elements = math.prod(result_type.get_shape())
        if elements > self.max_elements:
            emit_remark(
                op,
                f"not folded: the result has {elements} elements, more than "
                f"max-elements={self.max_elements}",
            )
            return
        try:
            value = evaluate(op, [np.asarray(v) for v in inputs])
        except NotEvaluable as error:
            where = "" if error.op is op or error.op is None else f" ({error.op.name})"
            emit_remark(op, f"not folded{where}: {error.reason}")
            return
        except WrongResultShape as error:
            raise CompileError(f"internal error: {error}", op) from None
        folded = constant_op(value, result_type)
        if folded is None:
            return
        folded.location = op.location
        name = op.results[0].name_hint
        rewriter.replace(op, folded)
        folded.result.name_hint = name


@dataclass(frozen=True)
class GraphConstantFold(ModulePass):
    """Evaluate graph ops whose operands are all constants (numpy) into graph.constant."""

    name = "graph-constant-fold"

    max_elements: int = DEFAULT_MAX_ELEMENTS
    """Largest result (in elements) folded into a constant."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.max_elements < 0:
            raise CompileError(
                f"graph-constant-fold: max-elements must not be negative, got {self.max_elements}"
            )
        # one walk in program order: a folded op's users come after it
        PatternRewriteWalker(
            GreedyRewritePatternApplier([FoldConstantOperands(self.max_elements)]),
            apply_recursively=False,
        ).rewrite_module(op)
        for constant in reversed([o for o in op.walk() if isinstance(o, graph.ConstantOp)]):
            if not constant.result.uses:
                Rewriter.erase_op(constant)
