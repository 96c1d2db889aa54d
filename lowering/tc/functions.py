"""The scalar functions a tensor comprehension may call, and the ops they become.

    E[i, j] = exp(X[i, j] - M[i])          ->  math.exp
    R[i]    = max(X[i], 0.0)               ->  arith.maximumf (NaN-propagating)
    G[i]    = sigmoid(X[i])                ->  1 / (1 + exp(-x))

`SCALAR_FUNCTIONS` is the one table both the checker (names, arities) and the
builder (ops) read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.dialects import arith, math
from xdsl.ir import Operation, SSAValue

from nnopt.lowering.structured import ScalarBuilder

BuildFn = Callable[[ScalarBuilder, Sequence[SSAValue]], SSAValue]


@dataclass(frozen=True)
class ScalarFunction:
    arity: int
    build: BuildFn
    summary: str


def _unary(make: Callable[[SSAValue], Operation]) -> BuildFn:
    return lambda b, args: b.insert(make(args[0]))


def _binary(make: Callable[[SSAValue, SSAValue], Operation]) -> BuildFn:
    return lambda b, args: b.insert(make(args[0], args[1]))


def _sigmoid(b: ScalarBuilder, args: Sequence[SSAValue]) -> SSAValue:
    one = b.const(1.0, args[0].type)
    return b.divf(one, b.addf(one, b.exp(b.negf(args[0]))))


def _relu(b: ScalarBuilder, args: Sequence[SSAValue]) -> SSAValue:
    return b.maximumf(args[0], b.const(0.0, args[0].type))


SCALAR_FUNCTIONS: dict[str, ScalarFunction] = {
    "exp": ScalarFunction(1, _unary(math.ExpOp), "e^x"),
    "log": ScalarFunction(1, _unary(math.LogOp), "natural logarithm"),
    "sqrt": ScalarFunction(1, _unary(math.SqrtOp), "square root"),
    "rsqrt": ScalarFunction(1, _unary(math.RsqrtOp), "1 / sqrt(x)"),
    "tanh": ScalarFunction(1, _unary(math.TanhOp), "hyperbolic tangent"),
    "erf": ScalarFunction(1, _unary(math.ErfOp), "error function"),
    "abs": ScalarFunction(1, _unary(math.AbsFOp), "|x|"),
    "sin": ScalarFunction(1, _unary(math.SinOp), "sine"),
    "cos": ScalarFunction(1, _unary(math.CosOp), "cosine"),
    "floor": ScalarFunction(1, _unary(math.FloorOp), "round down"),
    "ceil": ScalarFunction(1, _unary(math.CeilOp), "round up"),
    "log1p": ScalarFunction(1, _unary(math.Log1pOp), "log(1 + x)"),
    "expm1": ScalarFunction(1, _unary(math.ExpM1Op), "e^x - 1"),
    "sigmoid": ScalarFunction(1, _sigmoid, "1 / (1 + e^-x)"),
    "relu": ScalarFunction(1, _relu, "max(x, 0)"),
    "max": ScalarFunction(2, _binary(arith.MaximumfOp), "larger of two (NaN if either is NaN)"),
    "min": ScalarFunction(2, _binary(arith.MinimumfOp), "smaller of two (NaN if either is NaN)"),
    "pow": ScalarFunction(2, _binary(math.PowFOp), "x^y"),
}
