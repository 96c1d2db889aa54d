"""convert-linalg-to-affine: linalg ops on memrefs become affine loop nests.

One `affine.for` per loop of the op (outermost first, in the order of its
iterator types), an `affine.load` per operand through its indexing map, the
body's scalar ops, and an `affine.store` of each yielded value:

    linalg.generic {indexing_maps = [(d0, d1, d2) -> (d0, d2), (d0, d1, d2) -> (d2, d1),
                                     (d0, d1, d2) -> (d0, d1)],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>) outs(%C : memref<4x16xf32>) {...}
becomes
    affine.for %i = 0 to 4 {
      affine.for %j = 0 to 16 {
        affine.for %k = 0 to 8 {
          %a = affine.load %A[%i, %k] : memref<4x8xf32>
          %b = affine.load %B[%k, %j] : memref<8x16xf32>
          %c = affine.load %C[%i, %j] : memref<4x16xf32>
          ...
          affine.store %s, %C[%i, %j] : memref<4x16xf32>
        }
      }
    }

`memref.copy` becomes a copy loop nest too, so that every memory access of the
function is visible to the polyhedral scheduler. A linalg op still on tensors is
an error (run bufferize first).

Linalg ops marked with the same `nnopt.fusion_group` (graph.fused lowers to
them) become ONE nest when that is legal: the output's parallel loops, the
contraction's reduction loops inside them carrying the accumulator in
`iter_args`, and the elementwise epilogue after those loops (see
`fusion_group.py`). Otherwise a remark says why and each op gets its own nest.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from nnopt.dialects.kernel import AttentionOp
from nnopt.lowering.fusion_group import lower_fusion_groups
from nnopt.lowering.linalg_loops import lower_copy, lower_structured_op
from nnopt.lowering.strategies.attention import emit_flash_attention
from nnopt.support.diagnostics import CompileError


def lower_kernel(op: AttentionOp) -> None:
    """A kernel op on memrefs becomes its strategy's loop nest."""
    if op.results_:
        raise CompileError("operates on tensors; run bufferize first", op)
    emit_flash_attention(op)
    Rewriter.erase_op(op)


@dataclass(frozen=True)
class ConvertLinalgToAffine(ModulePass):
    """Lower linalg ops (and memref.copy) on memrefs to affine.for/load/store nests."""

    name = "convert-linalg-to-affine"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        lower_fusion_groups(op)
        targets: list[Operation] = [
            o for o in op.walk() if isinstance(o, LinalgStructuredOperation | memref.CopyOp | AttentionOp)
        ]
        for target in targets:
            if isinstance(target, AttentionOp):
                lower_kernel(target)
            elif isinstance(target, memref.CopyOp):
                lower_copy(target)
            elif isinstance(target, LinalgStructuredOperation):
                lower_structured_op(target)
