"""The GEMM strategy: a contraction as cache-blocked loops over packed panels.

`match_gemm` recognises a linalg op on memrefs computing
`C[b.., m, n] += A[.., m, k] * B[.., k, n]` (operands in any layout the indexing
maps say, batch loops allowed); `emit_gemm` writes the loops of the classic
GotoBLAS/BLIS structure, as plain affine code that the vector passes turn into a
register-blocked micro-kernel:

    for jc in 0..N step NC:                      # columns of C in L2-sized panels
      for pc in 0..K step KC:                    # the reduction in L1-sized slices
        Bp[jr/NR][k][c] = B(pc + k, jc + jr + c)  (parallel)  # pack a KC x NC panel
        for ic in 0..M step MC:  (parallel)      # rows of C, one A block per thread
          Ap[ir/MR][k][r] = A(ic + ir + r, pc + k)         # pack an MC x KC block
          for jr step NR, ir step MR:
            for r < MR, c < NR (nnopt.simd), k < KC:
              C[ic+ir+r, jc+jr+c] += Ap[ir/MR][k][r] * Bp[jr/NR][k][c]

Rows and columns that do not fill an MR x NR tile are computed by plain loops
over the unpacked operands. The blocked nest is marked `nnopt.scheduled` (the
polyhedral scheduler leaves it alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from xdsl.builder import Builder
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import MemRefType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import YieldOp as LinalgYieldOp
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineMap
from xdsl.rewriter import InsertPoint

from nnopt.lowering.affine_builder import AffineBuilder, Ix, IxLike, substitute
from nnopt.passes import marks


@dataclass(frozen=True)
class GemmTiling:
    mr: int
    """Rows of the micro-kernel (the most that fit the registers)."""
    nr: int
    nr_vectors: int
    """NR in vector registers."""
    mc: int
    nc: int
    kc: int

    def for_rows(self, rows: int) -> GemmTiling:
        """This tiling fitted to a C of `rows` rows.

        MR: at most the tuned one, chosen to leave few rows to the plain
        remainder loops (they re-read the unpacked B): each MR is scored by its
        multiply-adds per load times the square of the fraction of rows it
        covers; 32 rows get 8-row kernels (4 x 8) instead of 2 x 14 + 4.
        MC: a multiple of MR, and at most half the row tiles (rounded up), so
        that a C of few rows still splits into two row blocks, the loop the
        threads share.
        """

        def score(mr: int) -> float:
            covered = rows // mr * mr / rows
            tuned = 1.02 if mr == self.mr else 1.0  # the measured shape wins near-ties
            return tuned * mr * self.nr_vectors / (mr + self.nr_vectors) * covered * covered

        mr = max(range(min(4, self.mr), self.mr + 1), key=lambda mr: (score(mr), mr))
        tiles = rows // mr
        mc = min(max(self.mc // mr, 1), max(-(-tiles // 2), 1)) * mr
        return replace(self, mr=mr, mc=mc)


# MR x NR accumulators (+ NR/lanes operand vectors + a broadcast) fit the registers.
TILINGS: dict[str, GemmTiling] = {
    "x86-avx512": GemmTiling(mr=14, nr=32, nr_vectors=2, mc=56, nc=1024, kc=256),
    "x86-avx2": GemmTiling(mr=6, nr=16, nr_vectors=2, mc=72, nc=1024, kc=256),
    "aarch64-neon": GemmTiling(mr=6, nr=16, nr_vectors=4, mc=72, nc=1024, kc=256),
    "riscv64-rvv": GemmTiling(mr=6, nr=32, nr_vectors=4, mc=72, nc=1024, kc=256),
}


@dataclass
class Gemm:
    op: LinalgStructuredOperation
    a: SSAValue
    b: SSAValue
    c: SSAValue
    maps: list[AffineMap]
    ranges: tuple[int, ...]
    m: int
    n: int
    k: int
    batch: list[int]

    @property
    def sizes(self) -> tuple[int, int, int]:
        return self.ranges[self.m], self.ranges[self.n], self.ranges[self.k]


def _dims(affine_map: AffineMap) -> list[int | None]:
    """Each result's loop (None for a constant 0); raises ValueError otherwise."""
    dims: list[int | None] = []
    for result in affine_map.results:
        if isinstance(result, AffineDimExpr):
            dims.append(result.position)
        elif isinstance(result, AffineConstantExpr) and result.value == 0:
            dims.append(None)
        else:
            raise ValueError(result)
    return dims


def _is_multiply_accumulate(op: LinalgStructuredOperation) -> bool:
    block = op.body.block
    ops = list(block.ops)
    if len(ops) != 3 or not isinstance(ops[2], LinalgYieldOp):
        return False
    mul, add = ops[0], ops[1]
    if not isinstance(mul, arith.MulfOp) or not isinstance(add, arith.AddfOp):
        return False
    a, b, out = block.args
    return {mul.lhs, mul.rhs} == {a, b} and {add.lhs, add.rhs} == {out, mul.result} and ops[2].operands[0] is add.result


def match_gemm(op: LinalgStructuredOperation) -> Gemm | None:
    """The GEMM structure of `op`, or None when it is not a plain contraction."""
    if op.results or len(op.inputs) != 2 or len(op.outputs) != 1:
        return None
    operands = [*op.inputs, *op.outputs]
    if not all(isinstance(v.type, MemRefType) for v in operands):
        return None
    if not _is_multiply_accumulate(op):
        return None
    iterators = [str(t.data) for t in op.get_iterator_types()]
    if iterators.count("reduction") != 1:
        return None
    maps = [m.data for m in op.get_indexing_maps()]
    try:
        a_dims, b_dims, c_dims = (_dims(m) for m in maps)
        ranges = op.get_static_loop_ranges()
    except (ValueError, NotImplementedError):
        return None
    k = iterators.index("reduction")
    if len(c_dims) < 2 or None in c_dims[-2:]:
        return None
    m, n = c_dims[-2], c_dims[-1]
    assert m is not None and n is not None
    if k not in a_dims or k not in b_dims or m not in a_dims or m in b_dims or n not in b_dims or n in a_dims:
        return None
    batch = [d for d in range(len(iterators)) if d not in (m, n, k)]
    if any(d not in c_dims for d in batch) or k in c_dims:
        return None
    a, b = op.inputs
    return Gemm(op, a, b, op.outputs[0], maps, ranges, m, n, k, batch)


def _element(value: SSAValue) -> Attribute:
    assert isinstance(value.type, MemRefType)
    return value.type.get_element_type()


def _multiply_accumulate(b: AffineBuilder, c: SSAValue, c_index: Sequence[IxLike], x: SSAValue, y: SSAValue) -> None:
    acc = b.load(c, c_index)
    product = arith.MulfOp(x, y)
    b.insert(product)
    total = arith.AddfOp(acc, product.result)
    b.insert(total)
    b.store(total.result, c, c_index)


def emit_gemm(gemm: Gemm, tiling: GemmTiling) -> None:
    """Replace `gemm.op` by the blocked, packed loop nest."""
    builder = AffineBuilder(Builder(InsertPoint.before(gemm.op)))
    m_size, n_size, k_size = gemm.sizes
    t = tiling
    element = _element(gemm.c)
    kc = min(t.kc, k_size)
    mc = min(t.mc, m_size // t.mr * t.mr) or t.mr
    nc = min(t.nc, n_size // t.nr * t.nr) or t.nr
    b_pack = memref.AllocOp.get(element, 64, [nc // t.nr, kc, t.nr])
    builder.insert(b_pack)
    b_pack.memref.name_hint = "b_panel"
    m_full, n_full = m_size // t.mr * t.mr, n_size // t.nr * t.nr

    def loops_over_batch(dims: list[int], index: dict[int, Ix]) -> None:
        if dims:
            # not parallel: the panel buffers are shared by the whole nest
            outermost = [marks.SCHEDULED] if not index else []
            with builder.loop(0, gemm.ranges[dims[0]], name=f"b{dims[0]}", attributes=outermost) as iv:
                index[dims[0]] = iv
                loops_over_batch(dims[1:], index)
            return
        body(index)

    def operand_index(which: int, index: dict[int, Ix], row: IxLike, col: IxLike, red: IxLike) -> list[Ix]:
        loops: list[IxLike] = [index.get(d, Ix.of(0)) for d in range(len(gemm.ranges))]
        loops[gemm.m], loops[gemm.n], loops[gemm.k] = row, col, red
        return substitute(gemm.maps[which], loops)

    def body(index: dict[int, Ix]) -> None:
        if m_full and n_full:
            blocked(index)
        if n_full < n_size:
            plain(index, (0, m_size), (n_full, n_size))
        if m_full < m_size and n_full:
            plain(index, (m_full, m_size), (0, n_full))

    def blocked(index: dict[int, Ix]) -> None:
        outermost = [] if gemm.batch else [marks.SCHEDULED]
        with builder.loop(0, n_full, step=nc, name="jc", attributes=outermost) as jc:
            n_cur = [n_full - jc, nc]
            k_full = k_size // kc * kc
            for k_start, k_stop, depth in ((0, k_full, kc), (k_full, k_size, k_size - k_full)):
                if k_stop <= k_start:
                    continue
                with builder.loop(k_start, k_stop, step=depth, name="pc") as pc:
                    # each column panel is packed into its own slice: the threads share them
                    with builder.loop(0, n_cur, step=t.nr, name="jr", attributes=[marks.PARALLEL]) as jr:
                        with builder.loop(0, depth, name="k") as k:
                            with builder.loop(0, t.nr, name="c", attributes=[marks.SIMD]) as c:
                                x = builder.load(gemm.b, operand_index(1, index, 0, jc + jr + c, pc + k))
                                builder.store(x, b_pack.memref, [jr // t.nr, k, c])
                    with builder.loop(0, m_full, step=mc, name="ic", attributes=[marks.PARALLEL]) as ic:
                        a_pack = memref.AllocaOp.get(element, 64, [mc // t.mr, depth, t.mr])
                        builder.insert(a_pack)
                        a_pack.memref.name_hint = "a_block"
                        m_cur = [m_full - ic, mc]
                        with builder.loop(0, m_cur, step=t.mr, name="ir") as ir:
                            with builder.loop(0, depth, name="k") as k:
                                with builder.loop(0, t.mr, name="r") as r:
                                    x = builder.load(gemm.a, operand_index(0, index, ic + ir + r, 0, pc + k))
                                    builder.store(x, a_pack.memref, [ir // t.mr, k, r])
                        with builder.loop(0, n_cur, step=t.nr, name="jr") as jr:
                            with builder.loop(0, m_cur, step=t.mr, name="ir") as ir:
                                with builder.loop(0, t.mr, name="r") as r:
                                    with builder.loop(0, t.nr, name="c", attributes=[marks.SIMD]) as c:
                                        with builder.loop(0, depth, name="k") as k:
                                            x = builder.load(a_pack.memref, [ir // t.mr, k, r])
                                            y = builder.load(b_pack.memref, [jr // t.nr, k, c])
                                            c_index = operand_index(2, index, ic + ir + r, jc + jr + c, 0)
                                            _multiply_accumulate(builder, gemm.c, c_index, x, y)

    def plain(index: dict[int, Ix], rows: tuple[int, int], cols: tuple[int, int]) -> None:
        with builder.loop(rows[0], rows[1], name="i") as i:
            with builder.loop(cols[0], cols[1], name="j") as j:
                with builder.loop(0, k_size, name="k") as k:
                    x = builder.load(gemm.a, operand_index(0, index, i, 0, k))
                    y = builder.load(gemm.b, operand_index(1, index, 0, j, k))
                    _multiply_accumulate(builder, gemm.c, operand_index(2, index, i, j, 0), x, y)

    loops_over_batch(list(gemm.batch), {})
    builder.insert(memref.DeallocOp.get(b_pack.memref))
