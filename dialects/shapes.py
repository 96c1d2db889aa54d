"""Shape rules shared by the graph ops and their lowerings (ONNX / numpy semantics).

    broadcast_shapes((2, 3), (3,))                          == (2, 3)
    matmul_shape((2, 1, 4, 8), (3, 8, 5))                   == (2, 3, 4, 5)
    window_output_shape((8, 8), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1)) == (4, 4)
    reduced_shape((2, 3, 4), (1,), keepdims=True)           == (2, 1, 4)

Shapes that do not fit raise VerifyException with a message naming them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.utils.exceptions import VerifyException


def format_shape(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """numpy broadcasting of any number of shapes."""
    rank = max((len(s) for s in shapes), default=0)
    result: list[int] = []
    for axis in range(rank):
        sizes = {s[len(s) - rank + axis] for s in shapes if len(s) - rank + axis >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            raise VerifyException(
                "shapes "
                + " and ".join(format_shape(s) for s in shapes)
                + " are not broadcastable"
            )
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def check_broadcastable_to(shape: Sequence[int], target: Sequence[int], what: str) -> None:
    """ONNX unidirectional broadcasting: `shape` stretches to `target`, never the reverse."""
    fits = len(shape) <= len(target) and all(
        size in (1, goal) for size, goal in zip(reversed(shape), reversed(target), strict=False)
    )
    if not fits:
        raise VerifyException(
            f"{what} of shape {format_shape(shape)} does not broadcast to {format_shape(target)}"
        )


def matmul_shape(lhs: Sequence[int], rhs: Sequence[int]) -> tuple[int, ...]:
    """numpy matmul: 1-D operands are promoted, leading (batch) dims broadcast."""
    if not lhs or not rhs:
        raise VerifyException("matmul operands must have rank >= 1")
    a = (1, *lhs) if len(lhs) == 1 else tuple(lhs)
    b = (*rhs, 1) if len(rhs) == 1 else tuple(rhs)
    if a[-1] != b[-2]:
        raise VerifyException(
            f"matmul inner dimensions differ: {format_shape(lhs)} @ {format_shape(rhs)} "
            f"({a[-1]} vs {b[-2]})"
        )
    batch = broadcast_shapes(a[:-2], b[:-2])
    shape = [*batch, a[-2], b[-1]]
    if len(lhs) == 1:
        del shape[-2]
    if len(rhs) == 1:
        del shape[-1]
    return tuple(shape)


def gemm_shape(
    a: Sequence[int], b: Sequence[int], trans_a: bool, trans_b: bool
) -> tuple[int, int]:
    """(M, N) of ONNX Gemm: op(A) is M x K, op(B) is K x N."""
    if len(a) != 2 or len(b) != 2:
        raise VerifyException(
            f"gemm operands A and B must be matrices, got {format_shape(a)} and {format_shape(b)}"
        )
    m, k = (a[1], a[0]) if trans_a else (a[0], a[1])
    k_b, n = (b[1], b[0]) if trans_b else (b[0], b[1])
    if k != k_b:
        raise VerifyException(
            f"gemm inner dimensions differ: op(A) is {m}x{k}, op(B) is {k_b}x{n}"
        )
    return m, n


def normalize_axis(axis: int, rank: int, what: str = "axis", allow_end: bool = False) -> int:
    """`axis` in [-rank, rank) (or up to rank itself with `allow_end`) as a positive index."""
    upper = rank if allow_end else rank - 1
    if not -rank <= axis <= upper:
        raise VerifyException(
            f"{what} {axis} is out of range for rank {rank} (expected {-rank}..{upper})"
        )
    return axis + rank if axis < 0 else axis


def normalize_axes(axes: Sequence[int], rank: int) -> tuple[int, ...]:
    """Distinct axes, each in [-rank, rank), as sorted positive indices."""
    positive = [normalize_axis(a, rank, "reduction axis") for a in axes]
    if len(set(positive)) != len(positive):
        raise VerifyException(f"reduction axes {list(axes)} name an axis twice")
    return tuple(sorted(positive))


def check_length(values: Sequence[int], length: int, what: str) -> None:
    if len(values) != length:
        raise VerifyException(f"{what} must have {length} values, got {len(values)}")


def check_all(values: Sequence[int], minimum: int, what: str) -> None:
    if any(v < minimum for v in values):
        raise VerifyException(f"{what} must all be >= {minimum}, got {list(values)}")


def window_output_shape(
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
) -> tuple[int, ...]:
    """Output spatial sizes of a convolution or pooling window (ONNX, floor mode).

    `pads` is [x1_begin, x2_begin, ..., x1_end, x2_end, ...].
    """
    rank = len(spatial)
    check_length(kernel, rank, "kernel_shape")
    check_length(strides, rank, "strides")
    check_length(dilations, rank, "dilations")
    check_length(pads, 2 * rank, "pads")
    check_all(kernel, 1, "kernel sizes")
    check_all(strides, 1, "strides")
    check_all(dilations, 1, "dilations")
    check_all(pads, 0, "pads")
    out: list[int] = []
    for i in range(rank):
        padded = spatial[i] + pads[i] + pads[rank + i]
        extent = dilations[i] * (kernel[i] - 1) + 1
        if extent > padded:
            raise VerifyException(
                f"window of {extent} (kernel {kernel[i]}, dilation {dilations[i]}) is larger "
                f"than the padded input ({padded}) in spatial dimension {i}"
            )
        out.append((padded - extent) // strides[i] + 1)
    return tuple(out)


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keepdims: bool) -> tuple[int, ...]:
    """`shape` with `axes` (positive) reduced to 1 (keepdims) or removed."""
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def check_permutation(perm: Sequence[int], rank: int) -> None:
    if sorted(perm) != list(range(rank)):
        raise VerifyException(f"perm {list(perm)} is not a permutation of 0..{rank - 1}")


def concat_shape(shapes: Sequence[Sequence[int]], axis: int) -> tuple[int, ...]:
    """Shape of the concatenation of `shapes` along `axis` (already positive)."""
    first = shapes[0]
    for i, shape in enumerate(shapes):
        if len(shape) != len(first):
            raise VerifyException(
                f"concat operands must have one rank: operand #0 is {format_shape(first)}, "
                f"operand #{i} is {format_shape(shape)}"
            )
        for d, (a, b) in enumerate(zip(first, shape, strict=True)):
            if d != axis and a != b:
                raise VerifyException(
                    f"concat operand #{i} ({format_shape(shape)}) differs from operand #0 "
                    f"({format_shape(first)}) in dimension {d}, which is not the concat axis"
                )
    return tuple(
        sum(s[axis] for s in shapes) if d == axis else size for d, size in enumerate(first)
    )


def pad_shape(shape: Sequence[int], pads: Sequence[int]) -> tuple[int, ...]:
    """`shape` grown (or cropped, for negative pads) by ONNX pads [begins..., ends...]."""
    rank = len(shape)
    check_length(pads, 2 * rank, "pads")
    out = tuple(shape[i] + pads[i] + pads[rank + i] for i in range(rank))
    if any(d < 1 for d in out):
        raise VerifyException(
            f"pads {list(pads)} crop {format_shape(shape)} to an empty tensor"
        )
    return out


def flatten_shape(shape: Sequence[int], axis: int) -> tuple[int, int]:
    """ONNX Flatten: dims before `axis` (positive) and from `axis` on become two."""
    return math.prod(shape[:axis]), math.prod(shape[axis:])
