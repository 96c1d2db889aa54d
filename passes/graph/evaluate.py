"""What each graph op computes, in numpy: the table constant folding evaluates with.

    EVALUATORS[graph.AddOp](op, [a, b])          # -> a + b (numpy broadcasting)
    evaluate(op, [x, w])                          # None when the op has no entry

An evaluator receives the op (for its properties) and the values of its present
operands, in order, as float64 arrays, and returns the result as an array of the
result's shape (or raises NotEvaluable); the caller rounds it to the element type.
graph.fused is evaluated by evaluating its body with this same table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag, integer, ints, real
from nnopt.dialects.graph.layout import Layout, source_index
from nnopt.passes.graph.constants import array_of_attr

Evaluator = Callable[[Operation, Sequence[np.ndarray]], np.ndarray]

EVALUATORS: dict[type[Operation], Evaluator] = {}


class NotEvaluable(Exception):
    """The op cannot be evaluated here (e.g. a constant of a type numpy lacks)."""


def evaluates(*op_types: type[Operation]) -> Callable[[Evaluator], Evaluator]:
    """Register the decorated function as the evaluator of each of `op_types`."""

    def register(fn: Evaluator) -> Evaluator:
        for op_type in op_types:
            EVALUATORS[op_type] = fn
        return fn

    return register


def evaluate(op: Operation, inputs: Sequence[np.ndarray]) -> np.ndarray | None:
    """The value of `op`'s result for `inputs` (float64), or None if there is no evaluator."""
    evaluator = EVALUATORS.get(type(op))
    if evaluator is None:
        return None
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(evaluator(op, [np.asarray(x, dtype=np.float64) for x in inputs]))
    except NotEvaluable:
        return None
    result_type = op.results[0].type
    assert isinstance(result_type, TensorType)
    return value.reshape(result_type.get_shape())


def _result_shape(op: Operation) -> tuple[int, ...]:
    result_type = op.results[0].type
    assert isinstance(result_type, TensorType)
    return result_type.get_shape()


# -- elementwise ---------------------------------------------------------------------

_BINARY: dict[type[Operation], Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    graph.AddOp: np.add,
    graph.SubOp: np.subtract,
    graph.MulOp: np.multiply,
    graph.DivOp: np.divide,
    graph.MaxOp: np.maximum,
    graph.MinOp: np.minimum,
    graph.PowOp: np.power,
}



def _binary(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Evaluator:
    return lambda op, x: fn(x[0], x[1])


for _op_type, _fn in _BINARY.items():
    evaluates(_op_type)(_binary(_fn))

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.GeluOp)
    v = x[0]
    if op.approximate.data == "tanh":
        return 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
    return 0.5 * v * (1 + _erf(v / math.sqrt(2)))


def _clip(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.ClipOp)
    v = x[0]
    if op.min_value is not None:
        v = np.maximum(v, real(op.min_value))
    if op.max_value is not None:
        v = np.minimum(v, real(op.max_value))
    return v


_UNARY: dict[type[Operation], Callable[[np.ndarray], np.ndarray]] = {
    graph.ReluOp: lambda v: np.maximum(v, 0.0),
    graph.SigmoidOp: lambda v: 1 / (1 + np.exp(-v)),
    graph.TanhOp: np.tanh,
    graph.ExpOp: np.exp,
    graph.LogOp: np.log,
    graph.SqrtOp: np.sqrt,
    graph.RsqrtOp: lambda v: 1 / np.sqrt(v),
    graph.NegOp: np.negative,
    graph.ErfOp: _erf,
}



def _unary(fn: Callable[[np.ndarray], np.ndarray]) -> Evaluator:
    return lambda op, x: fn(x[0])


for _op_type, _fn1 in _UNARY.items():
    evaluates(_op_type)(_unary(_fn1))
evaluates(graph.GeluOp)(_gelu)
evaluates(graph.ClipOp)(_clip)


@evaluates(graph.CastOp)
def _cast(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    """i1 is a boolean (0.0 or 1.0); other integers and floats keep their value."""
    assert isinstance(op, graph.CastOp)
    source = op.operands[0].type
    assert isinstance(source, TensorType)
    element = source.get_element_type()
    if getattr(getattr(element, "width", None), "data", None) == 1:
        return (x[0] != 0).astype(np.float64)
    return x[0].astype(np.float64)


@evaluates(graph.ConstantOp)
def _constant(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.ConstantOp)
    value = array_of_attr(op.value)
    if value is None:
        raise NotEvaluable(f"no numpy type for {op.value.get_element_type()}")
    return value


# -- contractions --------------------------------------------------------------------


@evaluates(graph.MatmulOp)
def _matmul(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    return np.matmul(x[0], x[1])


@evaluates(graph.GemmOp)
def _gemm(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.GemmOp)
    a = x[0].T if flag(op.trans_a) else x[0]
    b = x[1].T if flag(op.trans_b) else x[1]
    value = real(op.alpha) * (a @ b)
    return value + real(op.beta) * x[2] if len(x) > 2 else value


def _windows(
    x: np.ndarray, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
) -> np.ndarray:
    """[N, C, O1..Ok, K1..Kk]: the (dilated, strided) windows of an N x C x D1..Dk array."""
    rank = len(kernel)
    extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    spatial_axes = tuple(range(2, 2 + rank))
    view = sliding_window_view(x, extents, axis=spatial_axes)
    outputs = tuple(slice(None, None, s) for s in strides)
    taps = tuple(slice(None, None, d) for d in dilations)
    return view[(slice(None), slice(None), *outputs, *taps)]


def _pad_spatial(x: np.ndarray, pads: Sequence[int], value: float) -> np.ndarray:
    rank = x.ndim - 2
    widths = [(0, 0), (0, 0), *((pads[i], pads[rank + i]) for i in range(rank))]
    return np.pad(x, widths, constant_values=value)


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int,
) -> np.ndarray:
    """ONNX Conv on NCHW / FCHW arrays."""
    windows = _windows(_pad_spatial(x, pads, 0.0), w.shape[2:], strides, dilations)
    n, c, oh, ow, kh, kw = windows.shape
    f = w.shape[0]
    grouped = windows.reshape(n, group, c // group, oh, ow, kh, kw)
    weights = w.reshape(group, f // group, c // group, kh, kw)
    out = np.einsum("ngchwij,gfcij->ngfhw", grouped, weights).reshape(n, f, oh, ow)
    return out if bias is None else out + bias[None, :, None, None]


@evaluates(graph.Conv2dOp)
def _conv2d(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.Conv2dOp)
    bias = x[2] if len(x) > 2 else None
    return conv2d(
        x[0], x[1], bias, ints(op.strides), ints(op.pads), ints(op.dilations), integer(op.group)
    )


def relayout(x: np.ndarray, source: str, target: str, target_shape: Sequence[int]) -> np.ndarray:
    """`x`, laid out as `source`, in the `target` layout (see graph.layout)."""
    index = list(np.indices(tuple(target_shape), sparse=True))
    return x[tuple(source_index(Layout.parse(source), Layout.parse(target), index))]


@evaluates(graph.LayoutOp)
def _layout(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.LayoutOp)
    return relayout(x[0], op.source_layout.data, op.target_layout.data, _result_shape(op))


@evaluates(graph.Conv2dNchwcOp)
def _conv2d_nchwc(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.Conv2dNchwcOp)
    n, cb, h, w_, c = x[0].shape
    fb, _, kh, kw, _, f = x[1].shape
    plain_x = relayout(x[0], f"NCHW{c}c", "NCHW", (n, cb * c, h, w_))
    plain_w = relayout(x[1], f"OIHW{c}i{f}o", "OIHW", (fb * f, cb * c, kh, kw))
    bias = x[2].reshape(-1) if len(x) > 2 else None
    out = conv2d(plain_x, plain_w, bias, ints(op.strides), ints(op.pads), ints(op.dilations), 1)
    return relayout(out, "NCHW", f"NCHW{f}c", _result_shape(op))


# -- pooling and normalization -------------------------------------------------------


@evaluates(graph.MaxPoolOp)
def _max_pool(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.MaxPoolOp)
    kernel, strides, pads, dilations = op.window()
    windows = _windows(_pad_spatial(x[0], pads, -np.inf), kernel, strides, dilations)
    return windows.max(axis=tuple(range(-len(kernel), 0)))


@evaluates(graph.AvgPoolOp)
def _avg_pool(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.AvgPoolOp)
    kernel, strides, pads, dilations = op.window()
    taps = tuple(range(-len(kernel), 0))
    total = _windows(_pad_spatial(x[0], pads, 0.0), kernel, strides, dilations).sum(axis=taps)
    if flag(op.count_include_pad):
        return total / math.prod(kernel)
    inside = _pad_spatial(np.ones_like(x[0]), pads, 0.0)
    return total / _windows(inside, kernel, strides, dilations).sum(axis=taps)


@evaluates(graph.GlobalAvgPoolOp)
def _global_avg_pool(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    return x[0].mean(axis=tuple(range(2, x[0].ndim)), keepdims=True)


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@evaluates(graph.SoftmaxOp)
def _softmax(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.SoftmaxOp)
    return softmax(x[0], op.normalized_axis())


@evaluates(graph.LayerNormOp)
def _layer_norm(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.LayerNormOp)
    axes = tuple(range(op.normalized_axis(), x[0].ndim))
    mean = x[0].mean(axis=axes, keepdims=True)
    var = ((x[0] - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x[0] - mean) / np.sqrt(var + real(op.epsilon)) * x[1]
    return y + x[2] if len(x) > 2 else y


@evaluates(graph.BatchNormOp)
def _batch_norm(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.BatchNormOp)
    view = (1, -1) + (1,) * (x[0].ndim - 2)
    scale, bias, mean, var = (p.reshape(view) for p in x[1:])
    return (x[0] - mean) * (scale / np.sqrt(var + real(op.epsilon))) + bias


@evaluates(graph.AttentionOp)
def _attention(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.AttentionOp)
    q, k, v = x[:3]
    groups = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, groups, axis=1), np.repeat(v, groups, axis=1)
    scores = (q @ np.swapaxes(k, -1, -2)) * op.scale_value()
    if len(x) > 3:
        scores = scores + x[3]
    if flag(op.causal):
        lq, lk = scores.shape[-2:]
        hidden = np.arange(lk)[None, :] > np.arange(lq)[:, None] + (lk - lq)
        scores = np.where(hidden, -np.inf, scores)
    return softmax(scores, -1) @ v


# -- reductions and data movement ----------------------------------------------------

_REDUCTIONS: dict[type[Operation], Callable[..., np.ndarray]] = {
    graph.ReduceSumOp: np.sum,
    graph.ReduceMeanOp: np.mean,
    graph.ReduceMaxOp: np.max,
}



def _reduction(fn: Callable[..., np.ndarray]) -> Evaluator:
    def evaluator(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
        assert isinstance(op, graph.ReduceOp)
        return fn(x[0], axis=op.reduced_axes(), keepdims=flag(op.keepdims))

    return evaluator


for _op_type, _reduce in _REDUCTIONS.items():
    evaluates(_op_type)(_reduction(_reduce))


@evaluates(graph.TransposeOp)
def _transpose(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.TransposeOp)
    return np.transpose(x[0], op.permutation())


@evaluates(graph.ReshapeOp, graph.FlattenOp)
def _reshape(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    return x[0].reshape(_result_shape(op))


@evaluates(graph.ConcatOp)
def _concat(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.ConcatOp)
    return np.concatenate(list(x), axis=op.normalized_axis())


@evaluates(graph.PadOp)
def _pad(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.PadOp)
    pads = ints(op.pads)
    rank = x[0].ndim
    crop = tuple(
        slice(max(-pads[i], 0), x[0].shape[i] - max(-pads[rank + i], 0)) for i in range(rank)
    )
    widths = [(max(pads[i], 0), max(pads[rank + i], 0)) for i in range(rank)]
    return np.pad(x[0][crop], widths, constant_values=real(op.value))


@evaluates(graph.FusedOp)
def _fused(op: Operation, x: Sequence[np.ndarray]) -> np.ndarray:
    assert isinstance(op, graph.FusedOp)
    block = op.body.block
    values: dict[SSAValue, np.ndarray] = dict(zip(block.args, x, strict=True))
    for inner in block.ops:
        if inner is block.last_op:
            break
        value = evaluate(inner, [values[v] for v in inner.operands])
        if value is None:
            raise NotEvaluable(f"cannot evaluate {inner.name}")
        values[inner.results[0]] = value
    return values[op.yielded()]
