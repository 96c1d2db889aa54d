"""Winograd convolution F(m x m, 3 x 3) as graph ops (Lavin and Gray, 2016).

Each m x m block of output pixels is computed from an (m + 2) x (m + 2) input tile d
and the 3 x 3 filter g as

    Y = A^T [ (G g G^T) (.) (B^T d B) ] A          (.) = element-wise product

with the constant matrices of `winograd_matrices` (m = 2: 16 multiplications per
4 outputs instead of 36; m = 4: 36 per 16 instead of 144). Written with
P = (m + 2)^2 tile positions and T tiles, every step is a graph op that the rest
of the pipeline already optimises (im2col, matmuls with the GEMM strategy,
reshapes as views):

    %d = graph.im2col %x {kernel_shape = [m+2, m+2], strides = [m, m], pads = ...}  // [N, C*P, T]
    %v = graph.matmul kron(B^T, B^T), reshape(%d) [N, C, P, T]                       // input transform
    %v2 = graph.transpose %v {perm = [0, 2, 1, 3]}                                   // [N, P, C, T]
    %u = graph.matmul kron(G, G), transpose(reshape(%w) [F*C, 9])                   // [P, F*C]
    %mm = graph.matmul reshape(%u) [P, F, C], %v2                                    // [N, P, F, T]
    %y = graph.matmul kron(A^T, A^T), reshape(%mm) [N, P, F*T]                       // [N, m*m, F*T]
    %o = graph.transpose reshape(%y) [N, m, m, F, TH, TW] {perm = [0, 3, 4, 1, 5, 2]}
    %r = graph.pad reshape(%o) [N, F, TH*m, TW*m] (negative pads crop to OH x OW)

The bottom and right pads of the input grow so that the output splits into whole
m x m tiles; the extra rows and columns are cropped at the end. With constant
weights, U is computed here, in float64, and becomes a constant (it is
(m+2)^2 / 9 times larger than the weights, often beyond graph-constant-fold's size
limit).
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import AnyFloat, TensorType
from xdsl.ir import SSAValue
from xdsl.rewriter import Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import int_array, integer, ints
from nnopt.passes.graph.builder import GraphBuilder, shape
from nnopt.passes.graph.constants import constant_array, numpy_dtype

TILE_SIZES = (2, 4)


def winograd_matrices(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """B^T ((m+2) x (m+2)), G ((m+2) x 3) and A^T (m x (m+2)) of F(m, 3), in float64.

    F(2, 3) interpolates at 0, 1, -1 and infinity; F(4, 3) at 0, 1, -1, 2, -2 and
    infinity (the matrices of Lavin and Gray).
    """
    if m == 2:
        bt = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
        g = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        at = [[1, 1, 1, 0], [0, 1, -1, -1]]
    elif m == 4:
        bt = [
            [4, 0, -5, 0, 1, 0],
            [0, -4, -4, 1, 1, 0],
            [0, 4, -4, -1, 1, 0],
            [0, -2, -1, 2, 1, 0],
            [0, 2, -1, -2, 1, 0],
            [0, 4, 0, -5, 0, 1],
        ]
        g = [
            [1 / 4, 0, 0],
            [-1 / 6, -1 / 6, -1 / 6],
            [-1 / 6, 1 / 6, -1 / 6],
            [1 / 24, 1 / 12, 1 / 6],
            [1 / 24, -1 / 12, 1 / 6],
            [0, 0, 1],
        ]
        at = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
    else:
        raise ValueError(f"no Winograd transform F({m}, 3): the tile size must be 2 or 4")
    return tuple(np.array(x, np.float64) for x in (bt, g, at))  # type: ignore[return-value]


def _kron(matrix: np.ndarray) -> np.ndarray:
    """kron(M, M), the 2-D transform of row-major flattened tiles (without -0.0)."""
    return np.kron(matrix, matrix) + 0.0


def why_not_winograd(op: graph.Conv2dOp) -> str | None:
    """Why `op` has no Winograd form here (None: it has one)."""
    if integer(op.group) != 1:
        return "grouped convolution"
    if shape(op.weight)[2:] != (3, 3):
        return f"{shape(op.weight)[2]}x{shape(op.weight)[3]} kernel (Winograd needs 3x3)"
    if ints(op.strides) != (1, 1):
        return "stride is not 1"
    if ints(op.dilations) != (1, 1):
        return "dilated convolution"
    assert isinstance(op.result.type, TensorType)
    if numpy_dtype(op.result.type.element_type) is None:
        return f"no constant transform matrices of element type {op.result.type.element_type}"
    return None


def _transformed_weights(b: GraphBuilder, weight: SSAValue, kron_g: np.ndarray, element: AnyFloat) -> SSAValue:
    """U [P, F, C] = kron(G, G) applied to each 3x3 filter: a constant for constant weights."""
    f, c = shape(weight)[:2]
    positions = kron_g.shape[0]
    weights = constant_array(weight)
    if weights is not None:
        u = np.einsum("pk,fck->pfc", kron_g, weights.astype(np.float64).reshape(f, c, 9))
        return b.constant(u, element)
    filters = b.transpose(b.reshape(weight, (f * c, 9)), (1, 0))
    filters = b.matmul(b.constant(kron_g, element), filters)
    return b.reshape(filters, (positions, f, c))


def rewrite_as_winograd(op: graph.Conv2dOp, m: int) -> None:
    """Replace `op` (3x3, stride 1, ungrouped: see `why_not_winograd`) by F(m x m, 3 x 3)."""
    b = GraphBuilder.before(op)
    n, c, h, w = shape(op.input)
    f = shape(op.weight)[0]
    oh, ow = shape(op.result)[2:]
    assert isinstance(op.result.type, TensorType)
    element: AnyFloat = op.result.type.element_type
    a, tiles_h, tiles_w = m + 2, math.ceil(oh / m), math.ceil(ow / m)
    positions = a * a
    bt, g, at = winograd_matrices(m)
    top, left = ints(op.pads)[:2]
    # pad the bottom and right so that the output is tiles_h x tiles_w whole tiles
    pads = [top, left, tiles_h * m + 2 - h - top, tiles_w * m + 2 - w - left]
    columns = b.im2col(op.input, {"kernel_shape": int_array([a, a]), "strides": int_array([m, m]), "pads": int_array(pads)})
    tiles = b.reshape(columns, (n, c, positions, tiles_h * tiles_w))
    transformed = b.matmul(b.constant(_kron(bt), element), tiles)
    by_position = b.transpose(transformed, (0, 2, 1, 3))
    products = b.matmul(_transformed_weights(b, op.weight, _kron(g), element), by_position)
    products = b.reshape(products, (n, positions, f * tiles_h * tiles_w))
    outputs = b.matmul(b.constant(_kron(at), element), products)
    outputs = b.reshape(outputs, (n, m, m, f, tiles_h, tiles_w))
    outputs = b.transpose(outputs, (0, 3, 4, 1, 5, 2))
    result = b.reshape(outputs, (n, f, tiles_h * m, tiles_w * m))
    if (tiles_h * m, tiles_w * m) != (oh, ow):
        result = b.pad(result, (0, 0, 0, 0, 0, 0, oh - tiles_h * m, ow - tiles_w * m))
    if op.bias is not None:
        result = b.add(result, b.reshape(op.bias, (f, 1, 1)))
    result.name_hint = op.result.name_hint
    op.result.replace_all_uses_with(result)
    weight = op.weight.owner
    Rewriter.erase_op(op)
    if isinstance(weight, graph.ConstantOp) and not weight.result.uses:
        Rewriter.erase_op(weight)  # replaced by the transformed constant
