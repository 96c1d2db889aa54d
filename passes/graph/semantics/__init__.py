"""What every graph op computes, in numpy: one table for constant folding and the reference executor.

    from nnopt.passes.graph.semantics import evaluate, numpy_semantics

    value = evaluate(op, [x, w])          # the result of `op` for these operand values

    @numpy_semantics(MyOp)                # a new op's semantics (op, *operands) -> array
    def _my_op(op: MyOp, x: np.ndarray) -> np.ndarray: ...

`graph-constant-fold` evaluates ops on constants with it, and the reference
executor (`nnopt.reference`, the oracle of the fuzzers and of many tests) runs
graph ops with it. Values are computed in float64, checked against the op's
result shape and rounded once to its element type; NaN and signed zeros follow
the C the compiler emits (graph.max, relu, clip, max_pool and reduce_max are
arith.maximumf / minimumf: NaN propagates and -0 < +0).

The table is `table.py`; the functions are in one module per op family, as in
the dialect (`nnopt.dialects.graph`); helpers other code shares live there too
(`attention.attention`, `convolution.conv2d`, `layout.relayout`). Importing
this package fills the table.
"""

from nnopt.passes.graph.semantics import (  # noqa: F401  (importing fills the table)
    attention,
    convolution,
    data_movement,
    elementwise,
    fused,
    layout,
    linear,
    normalization,
    pooling,
    reduction,
)
from nnopt.passes.graph.semantics.table import (
    SEMANTICS,
    NotEvaluable,
    NumpySemantics,
    WrongResultShape,
    evaluate,
    numpy_semantics,
    required_semantics,
    semantics_of,
)

__all__ = [
    "SEMANTICS",
    "NotEvaluable",
    "NumpySemantics",
    "WrongResultShape",
    "evaluate",
    "numpy_semantics",
    "required_semantics",
    "semantics_of",
]
