"""Numpy semantics of graph.fused: its body, op by op, with this same table.

    %y = graph.fused %x, %w : ... {
    ^bb0(%a, %k):
      %0 = graph.matmul %a, %k      -> evaluate(matmul, [x, w]), rounded to its element type
      %1 = graph.relu %0            -> evaluate(relu, [that])
      graph.yield %1
    }

Each inner result is rounded to its element type, as it would be unfused: the
grouping changes how the op is lowered, not what it means.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from nnopt.dialects import graph
from nnopt.passes.graph.semantics.table import evaluate, numpy_semantics


@numpy_semantics(graph.FusedOp)
def _fused(op: graph.FusedOp, *inputs: np.ndarray) -> np.ndarray:
    """The value the body yields when its arguments are the operands."""
    block = op.body.block
    values: dict[SSAValue, np.ndarray] = dict(zip(block.args, inputs, strict=True))
    for inner in block.ops:
        if inner is block.last_op:
            break
        values[inner.results[0]] = evaluate(inner, [values[v] for v in inner.operands])
    return values[op.yielded()]
