"""linalg-strategies: lower linalg ops that have a tuned strategy to scheduled affine loops.

Today: contractions (matmul, batched matmul, any layout of the operands) become
the GEMM strategy of `strategies/gemm.py`, cache-blocked over packed panels, with
loops marked for the vector passes (`nnopt.simd`) and OpenMP (`nnopt.parallel`);
the whole nest is marked `nnopt.scheduled` so that the polyhedral scheduler
leaves it alone. Ops without a strategy, or on targets without one, are left to
convert-linalg-to-affine; so are ops of a fusion group (`nnopt.fusion_group`),
which convert-linalg-to-affine emits as one nest with their epilogue.

    linalg.generic {indexing_maps = [(m, n, k) -> (m, k), (m, n, k) -> (k, n), (m, n, k) -> (m, n)],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%A, %B : memref<512x512xf32>, memref<512x512xf32>) outs(%C : memref<512x512xf32>)
becomes packing loops and the blocked nest (see strategies/gemm.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from nnopt.lowering.fusion_group import fusion_group
from nnopt.lowering.strategies.gemm import TILINGS, emit_gemm, match_gemm
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import emit_remark

MIN_GEMM_FLOPS = 2 * 32 * 32 * 32
"""Below this size the plain loops are as fast and much shorter."""


@dataclass(frozen=True)
class LinalgStrategies(ModulePass):
    """Lower contractions (and future strategy ops) to blocked, packed affine nests."""

    name = "linalg-strategies"

    target: str = "native"
    """Target whose register file and caches size the blocks."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        tiling = TILINGS.get(get_target(self.target).name)
        for linalg_op in [o for o in op.walk() if isinstance(o, LinalgStructuredOperation)]:
            if fusion_group(linalg_op) is not None:
                continue
            gemm = match_gemm(linalg_op)
            if gemm is None:
                continue
            m, n, k = gemm.sizes
            if 2 * m * n * k < MIN_GEMM_FLOPS:
                continue
            if tiling is None:
                emit_remark(linalg_op, f"no GEMM strategy for target '{self.target}'")
                continue
            fitted = tiling.for_rows(m)
            if m < fitted.mr or n < fitted.nr:
                continue
            emit_gemm(gemm, fitted)
            Rewriter.erase_op(linalg_op)
