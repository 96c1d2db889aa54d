"""The graph dialect's reference semantics: one numpy function per op class.

    @numpy_reference(graph.MatmulOp)
    def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a.astype(np.float64), b.astype(np.float64))

A function receives the op (for its attributes) and its operands as numpy
arrays, and returns the result array (or a list, for several results); the
result is converted to the op's element type and its shape checked against the
op's type. Products and sums are computed in float64, so the reference is at
least as accurate as the code under test.

A graph op without an entry is reported as unsupported, naming this file.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation

from nnopt.dialects import graph
from nnopt.reference.errors import ExecutionError, UnsupportedOpError
from nnopt.reference.interpreter import Env, Interpreter, Step, implements
from nnopt.reference.ops_arith import maximumf, minimumf
from nnopt.reference.ops_vector import reduce_sequentially
from nnopt.reference.values import Allocation, Buffer, dense_array, numpy_dtype

NumpyFunction = Callable[..., "np.ndarray | Sequence[np.ndarray]"]

GRAPH_REFERENCES: dict[type[Operation], NumpyFunction] = {}

OpT = TypeVar("OpT", bound=Operation)


def numpy_reference(op_type: type[OpT]) -> Callable[[NumpyFunction], NumpyFunction]:
    """Register the decorated numpy function as the semantics of `op_type`."""

    def register(fn: NumpyFunction) -> NumpyFunction:
        GRAPH_REFERENCES[op_type] = fn
        return fn

    return register


def reference_function(op: Operation | type[Operation]) -> NumpyFunction | None:
    """The numpy function of an op (or op class), looked up along its base classes."""
    op_type = op if isinstance(op, type) else type(op)
    for cls in op_type.__mro__:
        fn = GRAPH_REFERENCES.get(cls)  # type: ignore[arg-type]
        if fn is not None:
            return fn
    return None


def graph_op_compiler(op: Operation) -> Callable[[Interpreter, Operation], Step]:
    fn = reference_function(op)
    if fn is None:
        raise UnsupportedOpError(
            "has no reference implementation; add a numpy function for it with "
            "@numpy_reference in nnopt/reference/graph_ops.py",
            op,
        )

    def compile_op(interp: Interpreter, op: Operation) -> Step:
        operands = tuple(op.operands)
        results = tuple(op.results)
        description = f"the result of {op.name}"

        def step(env: Env) -> None:
            arrays = [env[v].to_array() if isinstance(env[v], Buffer) else env[v] for v in operands]
            produced = fn(op, *arrays)
            outputs = [produced] if isinstance(produced, np.ndarray | np.generic) else list(produced)
            if len(outputs) != len(results):
                raise ExecutionError(f"reference gives {len(outputs)} results for {len(results)}")
            for result, array in zip(results, outputs, strict=True):
                env[result] = _as_result(np.asarray(array), result.type, description)

        return step

    return compile_op


def _as_result(array: np.ndarray, type_: Any, description: str) -> Any:
    if not isinstance(type_, TensorType):
        return numpy_dtype(type_).type(array[()])
    shape = tuple(type_.get_shape())
    if array.shape != shape:
        raise ExecutionError(f"reference gives shape {array.shape}, but the op's type is {type_}")
    converted = np.asarray(array, dtype=numpy_dtype(type_.get_element_type()), order="C")
    return Buffer.contiguous(Allocation(converted.reshape(-1), description, writable=False), shape)


def _wide(array: np.ndarray) -> np.ndarray:
    return array.astype(np.float64) if array.dtype.kind == "f" and array.itemsize < 8 else array


def _ints(attr: Any, default: Sequence[int] = ()) -> tuple[int, ...]:
    return tuple(default) if attr is None else tuple(int(v) for v in attr.get_values())


def _integer(attr: Any) -> int:
    return int(attr.value.data)


def _flag(attr: Any) -> bool:
    return attr is not None and attr.value.data != 0


def _real(attr: Any) -> float:
    return float(attr.value.data)


def _axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis


def _exact_result_shape(op: Operation) -> tuple[int, ...]:
    type_ = op.results[0].type
    assert isinstance(type_, TensorType)
    return tuple(type_.get_shape())


# -- constants and matrix products ----------------------------------------------------------


@numpy_reference(graph.ConstantOp)
def _constant(op: graph.ConstantOp) -> np.ndarray:
    type_ = op.result.type
    assert isinstance(type_, TensorType)
    return dense_array(op.value.get_values(), type_.get_shape(), numpy_dtype(type_.get_element_type()))


@numpy_reference(graph.MatmulOp)
def _matmul(op: graph.MatmulOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(_wide(a), _wide(b))


@numpy_reference(graph.GemmOp)
def _gemm(op: graph.GemmOp, a: np.ndarray, b: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
    a64 = _wide(a).T if _flag(op.trans_a) else _wide(a)
    b64 = _wide(b).T if _flag(op.trans_b) else _wide(b)
    product = _real(op.alpha) * (a64 @ b64)
    return product if c is None else product + _real(op.beta) * _wide(c)


# -- elementwise ----------------------------------------------------------------------------


def _binary(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> NumpyFunction:
    def apply(op: Operation, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return fn(_wide(a), _wide(b))

    return apply


def _unary(fn: Callable[[np.ndarray], np.ndarray]) -> NumpyFunction:
    def apply(op: Operation, x: np.ndarray) -> np.ndarray:
        return fn(_wide(x))

    return apply


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x) if x.size else x.astype(np.float64)


BINARY_FUNCTIONS: tuple[tuple[type[Operation], Callable[[Any, Any], Any]], ...] = (
    (graph.AddOp, np.add),
    (graph.SubOp, np.subtract),
    (graph.MulOp, np.multiply),
    (graph.DivOp, np.divide),
    (graph.MaxOp, maximumf),
    (graph.MinOp, minimumf),
    (graph.PowOp, np.power),
)
UNARY_FUNCTIONS: tuple[tuple[type[Operation], Callable[[Any], Any]], ...] = (
    (graph.ReluOp, lambda x: maximumf(x, np.zeros_like(x))),
    (graph.SigmoidOp, lambda x: 1.0 / (1.0 + np.exp(-x))),
    (graph.TanhOp, np.tanh),
    (graph.ExpOp, np.exp),
    (graph.LogOp, np.log),
    (graph.SqrtOp, np.sqrt),
    (graph.RsqrtOp, lambda x: 1.0 / np.sqrt(x)),
    (graph.NegOp, np.negative),
    (graph.ErfOp, _erf),
)
for _binary_type, _binary_fn in BINARY_FUNCTIONS:
    numpy_reference(_binary_type)(_binary(_binary_fn))
for _unary_type, _unary_fn in UNARY_FUNCTIONS:
    numpy_reference(_unary_type)(_unary(_unary_fn))


@numpy_reference(graph.GeluOp)
def _gelu(op: graph.GeluOp, x: np.ndarray) -> np.ndarray:
    x64 = _wide(x)
    if op.approximate.data == "tanh":
        return 0.5 * x64 * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x64 + 0.044715 * x64**3)))
    return 0.5 * x64 * (1.0 + _erf(x64 / math.sqrt(2.0)))


@numpy_reference(graph.ClipOp)
def _clip(op: graph.ClipOp, x: np.ndarray) -> np.ndarray:
    y = _wide(x)
    if op.min_value is not None:
        y = np.where(np.isnan(y), y, np.maximum(y, _real(op.min_value)))
    if op.max_value is not None:
        y = np.where(np.isnan(y), y, np.minimum(y, _real(op.max_value)))
    return y


# -- windows: convolution and pooling -------------------------------------------------------------


def _pad_spatial(x: np.ndarray, pads: Sequence[int], value: float) -> np.ndarray:
    """Pad the dims after N and C by [begins..., ends...] (ONNX order)."""
    rank = x.ndim - 2
    widths = [(0, 0), (0, 0)] + [(pads[i], pads[rank + i]) for i in range(rank)]
    return np.pad(x, widths, constant_values=value)


def _window_views(
    padded: np.ndarray, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """For each kernel offset, the N x C x out... slice of `padded` that offset reads."""
    rank = len(kernel)
    spatial = padded.shape[2:]
    out = [(spatial[i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1 for i in range(rank)]
    views = []
    for offset in itertools.product(*[range(k) for k in kernel]):
        index = tuple(
            slice(offset[i] * dilations[i], offset[i] * dilations[i] + strides[i] * (out[i] - 1) + 1, strides[i])
            for i in range(rank)
        )
        views.append((offset, padded[(slice(None), slice(None), *index)]))
    return views


@numpy_reference(graph.Im2colOp)
def _im2col(op: graph.Im2colOp, x: np.ndarray) -> np.ndarray:
    from nnopt.passes.graph.evaluate import EVALUATORS

    return EVALUATORS[graph.Im2colOp](op, [_wide(x)])


@numpy_reference(graph.Conv2dOp)
def _conv2d(op: graph.Conv2dOp, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    strides = _ints(op.strides, (1, 1))
    pads = _ints(op.pads, (0, 0, 0, 0))
    dilations = _ints(op.dilations, (1, 1))
    group = _integer(op.group)
    padded = _pad_spatial(_wide(x), pads, 0.0)
    filters, per_group = w.shape[0], w.shape[1]
    filters_per_group = filters // group
    parts = []
    for g in range(group):
        channels = padded[:, g * per_group : (g + 1) * per_group]
        weights = _wide(w)[g * filters_per_group : (g + 1) * filters_per_group]
        total = 0.0
        for (kh, kw), window in _window_views(channels, w.shape[2:], strides, dilations):
            total = total + np.einsum("nchw,fc->nfhw", window, weights[:, :, kh, kw])
        parts.append(total)
    out = np.concatenate(parts, axis=1)
    return out if b is None else out + _wide(b)[None, :, None, None]


def _pool_window(op: Any, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    kernel = _ints(op.kernel_shape)
    rank = len(kernel)
    return kernel, _ints(op.strides, (1,) * rank), _ints(op.pads, (0,) * (2 * rank))


@numpy_reference(graph.MaxPoolOp)
def _max_pool(op: graph.MaxPoolOp, x: np.ndarray) -> np.ndarray:
    kernel, strides, pads = _pool_window(op, x)
    dilations = _ints(op.dilations, (1,) * len(kernel))
    padded = _pad_spatial(_wide(x), pads, -np.inf)
    windows = [view for _, view in _window_views(padded, kernel, strides, dilations)]
    return reduce_sequentially(np.stack(windows), maximumf)


@numpy_reference(graph.AvgPoolOp)
def _avg_pool(op: graph.AvgPoolOp, x: np.ndarray) -> np.ndarray:
    kernel, strides, pads = _pool_window(op, x)
    ones = (1,) * len(kernel)
    total = sum(v for _, v in _window_views(_pad_spatial(_wide(x), pads, 0.0), kernel, strides, ones))
    if _flag(op.count_include_pad):
        return np.asarray(total / float(np.prod(kernel)))
    inside = _pad_spatial(np.ones(x.shape, dtype=np.float64), pads, 0.0)
    count = sum(v for _, v in _window_views(inside, kernel, strides, ones))
    return np.asarray(total / count)


@numpy_reference(graph.GlobalAvgPoolOp)
def _global_avg_pool(op: graph.GlobalAvgPoolOp, x: np.ndarray) -> np.ndarray:
    return _wide(x).mean(axis=tuple(range(2, x.ndim)), keepdims=True)


# -- normalisation and reductions -------------------------------------------------------------


@numpy_reference(graph.SoftmaxOp)
def _softmax(op: graph.SoftmaxOp, x: np.ndarray) -> np.ndarray:
    axis = _axis(_integer(op.axis), x.ndim)
    x64 = _wide(x)
    e = np.exp(x64 - x64.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@numpy_reference(graph.LayerNormOp)
def _layer_norm(op: graph.LayerNormOp, x: np.ndarray, scale: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    axes = tuple(range(_axis(_integer(op.axis), x.ndim), x.ndim))
    x64 = _wide(x)
    mean = x64.mean(axis=axes, keepdims=True)
    variance = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x64 - mean) / np.sqrt(variance + _real(op.epsilon)) * _wide(scale)
    return y if bias is None else y + _wide(bias)


@numpy_reference(graph.BatchNormOp)
def _batch_norm(
    op: graph.BatchNormOp, x: np.ndarray, scale: np.ndarray, bias: np.ndarray, mean: np.ndarray, var: np.ndarray
) -> np.ndarray:
    view = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    normalized = (_wide(x) - _wide(mean).reshape(view)) / np.sqrt(_wide(var).reshape(view) + _real(op.epsilon))
    return normalized * _wide(scale).reshape(view) + _wide(bias).reshape(view)


def _reduced_axes(op: Any, rank: int) -> tuple[int, ...]:
    axes = _ints(op.axes)
    return tuple(sorted(_axis(a, rank) for a in axes)) if axes else tuple(range(rank))


@numpy_reference(graph.ReduceSumOp)
def _reduce_sum(op: graph.ReduceSumOp, x: np.ndarray) -> np.ndarray:
    return _wide(x).sum(axis=_reduced_axes(op, x.ndim), keepdims=_flag(op.keepdims))


@numpy_reference(graph.ReduceMeanOp)
def _reduce_mean(op: graph.ReduceMeanOp, x: np.ndarray) -> np.ndarray:
    return _wide(x).mean(axis=_reduced_axes(op, x.ndim), keepdims=_flag(op.keepdims))


@numpy_reference(graph.ReduceMaxOp)
def _reduce_max(op: graph.ReduceMaxOp, x: np.ndarray) -> np.ndarray:
    return _wide(x).max(axis=_reduced_axes(op, x.ndim), keepdims=_flag(op.keepdims))


# -- data movement ------------------------------------------------------------------------------


@numpy_reference(graph.TransposeOp)
def _transpose(op: graph.TransposeOp, x: np.ndarray) -> np.ndarray:
    perm = _ints(op.perm) or tuple(reversed(range(x.ndim)))
    return np.transpose(x, perm)


@numpy_reference(graph.ReshapeOp)
def _reshape(op: graph.ReshapeOp, x: np.ndarray) -> np.ndarray:
    return x.reshape(_exact_result_shape(op))


@numpy_reference(graph.FlattenOp)
def _flatten(op: graph.FlattenOp, x: np.ndarray) -> np.ndarray:
    axis = _axis(_integer(op.axis), x.ndim)
    rows = int(np.prod(x.shape[:axis], dtype=np.int64))
    return x.reshape(rows, -1) if x.size else x.reshape(rows, int(np.prod(x.shape[axis:], dtype=np.int64)))


@numpy_reference(graph.ConcatOp)
def _concat(op: graph.ConcatOp, *inputs: np.ndarray) -> np.ndarray:
    return np.concatenate(inputs, axis=_axis(_integer(op.axis), inputs[0].ndim))


@numpy_reference(graph.PadOp)
def _pad(op: graph.PadOp, x: np.ndarray) -> np.ndarray:
    pads = _ints(op.pads)
    rank = x.ndim
    begins, ends = pads[:rank], pads[rank:]
    cropped = x[tuple(slice(max(-b, 0), x.shape[i] - max(-e, 0)) for i, (b, e) in enumerate(zip(begins, ends, strict=True)))]
    widths = [(max(b, 0), max(e, 0)) for b, e in zip(begins, ends, strict=True)]
    return np.pad(_wide(cropped), widths, constant_values=_real(op.value))


# -- attention ----------------------------------------------------------------------------------


def attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, scale: float, causal: bool
) -> np.ndarray:
    """softmax(q k^T * scale + mask) v over [B, H, L, D] arrays, grouped-query heads."""
    heads, kv_heads = q.shape[1], k.shape[1]
    k64 = np.repeat(_wide(k), heads // kv_heads, axis=1)
    v64 = np.repeat(_wide(v), heads // kv_heads, axis=1)
    scores = (_wide(q) @ np.swapaxes(k64, -1, -2)) * scale
    if mask is not None:
        scores = scores + _wide(mask)
    lq, lk = scores.shape[-2:]
    if causal:
        hidden = np.arange(lk)[None, :] > np.arange(lq)[:, None] + (lk - lq)
        scores = np.where(hidden, -np.inf, scores)
    with np.errstate(invalid="ignore"):
        scores = scores - scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v64


@numpy_reference(graph.AttentionOp)
def _attention(
    op: graph.AttentionOp, q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    scale = _real(op.scale) if op.scale is not None else 1.0 / math.sqrt(q.shape[-1])
    return attention(q, k, v, mask, scale, _flag(op.causal))


@implements(graph.FusedOp)
def _fused(interp: Interpreter, op: graph.FusedOp) -> Step:
    """The body, run on the operands; its yielded value is the result."""
    body = interp.block(op.body.block)
    arguments = tuple(op.body.block.args)
    operands = tuple(op.inputs)
    result = op.result

    def step(env: Env) -> None:
        for argument, operand in zip(arguments, operands, strict=True):
            env[argument] = env[operand]
        [env[result]] = body.run(env)

    return step


# -- casts, layouts and blocked convolution -------------------------------------------------------


@numpy_reference(graph.CastOp)
def _cast(op: graph.CastOp, x: np.ndarray) -> np.ndarray:
    return x.astype(np.float64)  # i1 reads as 0/1, integers as signed, floats round later


def _parse_layout(text: str) -> list[tuple[str, int | None]]:
    """'NCHW16c' -> [('N', None), ('C', None), ('H', None), ('W', None), ('C', 16)]."""
    dims: list[tuple[str, int | None]] = []
    for letter, factor, blocked in re.findall(r"([A-Z])|(\d+)([a-z])", text):
        dims.append((letter, None) if letter else (blocked.upper(), int(factor)))
    if "".join(f"{f or ''}{a if f is None else a.lower()}" for a, f in dims) != text:
        raise ExecutionError(f"cannot read the layout '{text}'")
    return dims


def _unblock(x: np.ndarray, layout: list[tuple[str, int | None]]) -> tuple[np.ndarray, list[str]]:
    """The array with one dim per axis (outer and inner blocks merged), and its axis order."""
    axes = [axis for axis, factor in layout if factor is None]
    order: list[int] = []
    sizes: list[int] = []
    for axis in axes:
        outer = next(i for i, (a, f) in enumerate(layout) if a == axis and f is None)
        inner = next((i for i, (a, f) in enumerate(layout) if a == axis and f is not None), None)
        order += [outer] if inner is None else [outer, inner]
        sizes.append(x.shape[outer] * (x.shape[inner] if inner is not None else 1))
    return np.transpose(x, order).reshape(sizes), axes


def _block(x: np.ndarray, axes: list[str], layout: list[tuple[str, int | None]]) -> np.ndarray:
    """An array with one dim per axis (in `axes` order) arranged as `layout`."""
    factors = {a: f for a, f in layout if f is not None}
    split_shape: list[int] = []
    position: dict[tuple[str, bool], int] = {}
    for axis, size in zip(axes, x.shape, strict=True):
        factor = factors.get(axis)
        if factor is None:
            position[(axis, False)] = len(split_shape)
            split_shape.append(size)
        else:
            if size % factor:
                raise ExecutionError(f"axis {axis} of size {size} does not split into blocks of {factor}")
            position[(axis, False)] = len(split_shape)
            position[(axis, True)] = len(split_shape) + 1
            split_shape += [size // factor, factor]
    order = [position[(axis, factor is not None)] for axis, factor in layout]
    return np.transpose(x.reshape(split_shape), order)


@numpy_reference(graph.LayoutOp)
def _layout(op: graph.LayoutOp, x: np.ndarray) -> np.ndarray:
    plain, axes = _unblock(x, _parse_layout(op.source_layout.data))
    target = _parse_layout(op.target_layout.data)
    target_axes = [axis for axis, factor in target if factor is None]
    reordered = np.transpose(plain, [axes.index(a) for a in target_axes])
    return _block(reordered, target_axes, target)


@numpy_reference(graph.Conv2dNchwcOp)
def _conv2d_nchwc(op: graph.Conv2dNchwcOp, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    n, c_blocks, h, width, c_block = x.shape
    f_blocks, _, kh, kw, _, f_block = w.shape
    plain_x = np.transpose(x, (0, 1, 4, 2, 3)).reshape(n, c_blocks * c_block, h, width)
    plain_w = np.transpose(w, (0, 5, 1, 4, 2, 3)).reshape(f_blocks * f_block, c_blocks * c_block, kh, kw)
    strides, pads, dilations = _ints(op.strides, (1, 1)), _ints(op.pads, (0, 0, 0, 0)), _ints(op.dilations, (1, 1))
    padded = _pad_spatial(_wide(plain_x), pads, 0.0)
    total = 0.0
    for (i, j), window in _window_views(padded, (kh, kw), strides, dilations):
        total = total + np.einsum("nchw,fc->nfhw", window, _wide(plain_w)[:, :, i, j])
    out = np.asarray(total)
    if b is not None:
        out = out + _wide(b).reshape(-1)[None, :, None, None]
    oh, ow = out.shape[2:]
    return np.transpose(out.reshape(n, f_blocks, f_block, oh, ow), (0, 1, 3, 4, 2))
