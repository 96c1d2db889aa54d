"""graph.matmul and graph.gemm -> a zero-filled output and a linalg.generic reduction.

    %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
becomes
    %e = tensor.empty() : tensor<4x16xf32>
    %z = linalg.fill ins(%cst0) outs(%e)
    %c = linalg.generic {indexing_maps = [(m, n, k) -> (m, k), (m, n, k) -> (k, n),
                                          (m, n, k) -> (m, n)],
                         iterator_types = ["parallel", "parallel", "reduction"]}
           ins(%a, %b) outs(%z) { ^bb0(%x, %y, %acc): linalg.yield %acc + %x * %y }

Batched operands follow numpy: leading dims broadcast (a size-1 batch dim is
indexed by 0), and a 1-D operand is a vector without its own loop. graph.gemm
transposes through its maps (`trans_a`: (m, n, k) -> (k, m)) and, when it has
alpha != 1 or a C operand, ends with an elementwise `alpha * acc + beta * C`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.base import flag, real
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


def matmul_maps(
    lhs: Sequence[int], rhs: Sequence[int], result: Sequence[int]
) -> tuple[list[AffineMap], list[str]]:
    """Indexing maps and iterator kinds of numpy matmul over (batch..., m, n, k)."""
    lhs_vec, rhs_vec = len(lhs) == 1, len(rhs) == 1
    batch_rank = len(result) - (0 if lhs_vec else 1) - (0 if rhs_vec else 1)
    batch = list(result[:batch_rank])
    # loops: batch..., m (unless lhs is a vector), n (unless rhs is a vector), k
    loops: list[str] = ["parallel"] * batch_rank
    m = n = None
    if not lhs_vec:
        m = len(loops)
        loops.append("parallel")
    if not rhs_vec:
        n = len(loops)
        loops.append("parallel")
    k = len(loops)
    loops.append("reduction")
    d = AffineExpr.dimension
    nloops = len(loops)

    def batch_exprs(shape: Sequence[int]) -> list[AffineExpr]:
        operand_batch = shape[:-2]
        offset = batch_rank - len(operand_batch)
        return [
            AffineExpr.constant(0) if size == 1 and batch[offset + i] != 1 else d(offset + i)
            for i, size in enumerate(operand_batch)
        ]

    lhs_exprs = [d(k)] if lhs_vec else [*batch_exprs(lhs), d(m), d(k)]  # type: ignore[arg-type]
    rhs_exprs = [d(k)] if rhs_vec else [*batch_exprs(rhs), d(k), d(n)]  # type: ignore[arg-type]
    out_exprs = [d(i) for i in range(batch_rank)]
    out_exprs += [d(x) for x in (m, n) if x is not None]
    maps = [AffineMap(nloops, 0, tuple(e)) for e in (lhs_exprs, rhs_exprs, out_exprs)]
    return maps, loops


def multiply_accumulate(b: ScalarBuilder, x: Sequence[SSAValue]) -> list[SSAValue]:
    return [b.addf(x[2], b.mulf(x[0], x[1]))]


@lowers(graph.MatmulOp)
def _matmul(op: graph.MatmulOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    maps, loops = matmul_maps(_shape(op.lhs), _shape(op.rhs), result_type.get_shape())
    init = s.fill(0.0, s.empty(result_type))
    return s.generic([op.lhs, op.rhs], [init], maps, loops, multiply_accumulate)


@lowers(graph.GemmOp)
def _gemm(op: graph.GemmOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    d = AffineExpr.dimension
    m, n, k = d(0), d(1), d(2)
    a_exprs = (k, m) if flag(op.trans_a) else (m, k)
    b_exprs = (n, k) if flag(op.trans_b) else (k, n)
    maps = [AffineMap(3, 0, a_exprs), AffineMap(3, 0, b_exprs), AffineMap(3, 0, (m, n))]
    init = s.fill(0.0, s.empty(result_type))
    [product] = s.generic(
        [op.a, op.b], [init], maps, ["parallel", "parallel", "reduction"], multiply_accumulate
    )
    alpha, beta = real(op.alpha), real(op.beta)
    if op.c is None and alpha == 1.0:
        return [product]

    def epilogue(b: ScalarBuilder, x: Sequence[SSAValue]) -> list[SSAValue]:
        value = x[0] if alpha == 1.0 else b.mulf(b.like(alpha, x[0]), x[0])
        if op.c is not None:
            c = x[1] if beta == 1.0 else b.mulf(b.like(beta, x[1]), x[1])
            value = b.addf(value, c)
        return [value]

    inputs = [product] if op.c is None else [product, op.c]
    return [s.elementwise(inputs, result_type, epilogue)]
