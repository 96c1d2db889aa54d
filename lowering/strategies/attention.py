"""The flash attention strategy: `kernel.attention` as blocked loops with an online softmax.

For each (batch, head), K is packed transposed once; then for each block of Br
query rows, the key blocks of Bc keys are visited once, keeping per row the
running maximum m, the running sum l and the unnormalised output acc:

    for b, h (parallel):
      kt[j / Bc, d, j % Bc] = k[b, h / G, j, d]
      for i0 step Br:
        m = -inf, l = 0, acc = 0
        for j0 step Bc (causal: only blocks with a visible key):
          s[r, c]  = sum_d q[b, h, i0 + r, d] * kt[j0 / Bc, d, c]  # micro-kernel over (r, c)
          s       = s * scale (+ mask), -inf above the causal diagonal
          mn[r]   = max(m[r], max_c s[r, c])
          s[r, c] = exp(s[r, c] - mn[r]);  rs[r] = sum_c s[r, c]
          a[r]    = exp(m[r] - mn[r]);  l[r] = l[r] * a[r] + rs[r];  m[r] = mn[r]
          acc[r, e] = acc[r, e] * a[r] + sum_c s[r, c] * v[b, h / G, j0 + c, e]  # micro-kernel
        out[b, h, i0 + r, e] = acc[r, e] / l[r]

The loops are plain affine code; the loops over c and e are marked `nnopt.simd`,
and the vector passes turn the two products into register-blocked micro-kernels.
Row blocks and key blocks that do not fill Br or Bc get their own nests of
constant size, so every micro-kernel has known trip counts.
"""

from __future__ import annotations

import math

from xdsl.builder import Builder
from xdsl.dialects import arith, memref
from xdsl.dialects import math as xmath
from xdsl.dialects.builtin import MemRefType, f32
from xdsl.ir import SSAValue
from xdsl.rewriter import InsertPoint

from nnopt.dialects.kernel import AttentionOp
from nnopt.lowering.affine_builder import AffineBuilder, Ix

PARALLEL = "nnopt.parallel"
SIMD = "nnopt.simd"
ROW_BLOCK = 64
KEY_BLOCK = 64


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, MemRefType)
    return value.type.get_shape()


def emit_flash_attention(op: AttentionOp) -> None:
    """Replace `op` (on memrefs) by the flash-attention loop nest."""
    b = AffineBuilder(Builder(InsertPoint.before(op)))
    batch, heads, lq, depth = _shape(op.query)
    kv_heads, lk, dv = _shape(op.value)[1], _shape(op.value)[2], _shape(op.value)[3]
    group = heads // kv_heads
    offset = lk - lq  # query i sees keys j <= i + offset when causal
    br, bc = min(ROW_BLOCK, lq), min(KEY_BLOCK, lk)
    scale = float(op.scale.value.data)
    mask = op.mask
    mask_shape = _shape(mask) if mask is not None else ()

    def alloca(shape: list[int], name: str) -> SSAValue:
        buffer = memref.AllocaOp.get(f32, 64, shape)
        b.insert(buffer)
        buffer.memref.name_hint = name
        return buffer.memref

    def mask_index(bi: Ix, hi: Ix, row: Ix, col: Ix) -> list[Ix]:
        full = [bi, hi, row, col]
        index: list[Ix] = []
        for axis, size in enumerate(mask_shape):
            dim = 4 - len(mask_shape) + axis
            index.append(Ix.of(0) if size == 1 else full[dim])
        return index

    with b.loop(0, batch, name="b") as bi, b.loop(0, heads, name="h", attributes=[PARALLEL]) as hi:
        kv = hi // group if group > 1 else hi
        key_blocks = -(-lk // bc)
        # K^T by key block: kt[j / Bc, d, j % Bc], so a block's scores read one
        # contiguous tile (rows of a plain [D, Lk] K^T would share few cache sets)
        kt_alloc = memref.AllocOp.get(f32, 64, [key_blocks, depth, bc])
        b.insert(kt_alloc)
        kt = kt_alloc.memref
        kt.name_hint = "kt"
        s = alloca([br, bc], "s")
        acc = alloca([br, dv], "acc")
        m = alloca([br], "m")
        l_ = alloca([br], "l")
        mn = alloca([br], "m_new")
        rs = alloca([br], "row_sum")
        al = alloca([br], "alpha")
        with b.loop(0, lk, name="j") as j, b.loop(0, depth, name="d") as d:
            b.store(b.load(op.key, [bi, kv, j, d]), kt, [j // bc, d, j % bc])

        zero = b.constant(0.0, f32)
        minus_inf = b.constant(-math.inf, f32)
        scale_value = b.constant(scale, f32)

        def key_block(i0: Ix, rows: int, j0: Ix, cols: int) -> None:
            with b.loop(0, rows, name="r") as r, b.loop(0, cols, name="c", attributes=[SIMD]) as c:
                b.store(zero, s, [r, c])
                with b.loop(0, depth, name="d") as d:
                    x = b.load(op.query, [bi, hi, i0 + r, d])
                    y = b.load(kt, [j0 // bc, d, c])
                    b.store(b.compute(arith.AddfOp, b.load(s, [r, c]), b.compute(arith.MulfOp, x, y)), s, [r, c])
            with b.loop(0, rows, name="r") as r, b.loop(0, cols, name="c") as c:
                value = b.compute(arith.MulfOp, b.load(s, [r, c]), scale_value)
                if mask is not None:
                    value = b.compute(arith.AddfOp, value, b.load(mask, mask_index(bi, hi, i0 + r, j0 + c)))
                b.store(value, s, [r, c])
            if op.is_causal:
                # keys past the diagonal of row r: j0 + c > i0 + r + offset
                with b.loop(0, rows, name="r") as r:
                    with b.loop([0, i0 + r - j0 + (offset + 1)], cols, name="c") as c:
                        b.store(minus_inf, s, [r, c])
            with b.loop(0, rows, name="r") as r:
                b.store(b.load(m, [r]), mn, [r])
                b.store(zero, rs, [r])
                with b.loop(0, cols, name="c") as c:
                    b.store(b.compute(arith.MaximumfOp, b.load(mn, [r]), b.load(s, [r, c])), mn, [r])
                with b.loop(0, cols, name="c") as c:
                    p = b.compute(xmath.ExpOp, b.compute(arith.SubfOp, b.load(s, [r, c]), b.load(mn, [r])))
                    b.store(p, s, [r, c])
                    b.store(b.compute(arith.AddfOp, b.load(rs, [r]), p), rs, [r])
                a = b.compute(xmath.ExpOp, b.compute(arith.SubfOp, b.load(m, [r]), b.load(mn, [r])))
                b.store(a, al, [r])
                b.store(b.compute(arith.AddfOp, b.compute(arith.MulfOp, b.load(l_, [r]), a), b.load(rs, [r])), l_, [r])
                b.store(b.load(mn, [r]), m, [r])
            with b.loop(0, rows, name="r") as r, b.loop(0, dv, name="e", attributes=[SIMD]) as e:
                b.store(b.compute(arith.MulfOp, b.load(acc, [r, e]), b.load(al, [r])), acc, [r, e])
            with b.loop(0, rows, name="r") as r, b.loop(0, dv, name="e", attributes=[SIMD]) as e:
                with b.loop(0, cols, name="c") as c:
                    product = b.compute(arith.MulfOp, b.load(s, [r, c]), b.load(op.value, [bi, kv, j0 + c, e]))
                    b.store(b.compute(arith.AddfOp, b.load(acc, [r, e]), product), acc, [r, e])

        def row_block(i0: Ix, rows: int) -> None:
            with b.loop(0, rows, name="r") as r:
                b.store(minus_inf, m, [r])
                b.store(zero, l_, [r])
                with b.loop(0, dv, name="e") as e:
                    b.store(zero, acc, [r, e])
            lk_full = lk // bc * bc
            # causal: a key block is visited when its first key is visible to the last row
            visible = [lk_full, i0 + (rows + offset)] if op.is_causal else lk_full
            with b.loop(0, visible, step=bc, name="j0") as j0:
                key_block(i0, rows, j0, bc)
            if lk_full < lk:
                visible_rest = [lk, i0 + (rows + offset)] if op.is_causal else lk
                with b.loop(lk_full, visible_rest, step=bc, name="j0") as j0:
                    key_block(i0, rows, j0, lk - lk_full)
            with b.loop(0, rows, name="r") as r, b.loop(0, dv, name="e") as e:
                b.store(b.compute(arith.DivfOp, b.load(acc, [r, e]), b.load(l_, [r])), op.out, [bi, hi, i0 + r, e])

        lq_full = lq // br * br
        with b.loop(0, lq_full, step=br, name="i0") as i0:
            row_block(i0, br)
        if lq_full < lq:
            with b.loop(lq_full, lq, step=br, name="i0") as i0:
                row_block(i0, lq - lq_full)
        b.insert(memref.DeallocOp.get(kt))
