"""affine-scalar-replace: keep loop-invariant memory locations in registers.

Every loop's invariant locations (same address in every iteration, all accesses in
the loop's own body) are loaded before the loop, carried in `iter_args` and stored
after it; applied innermost loop first, so accumulators leave whole reduction
nests. Loops without a constant trip count of at least one are left alone.

    affine.for %k = 0 to 64 {
      %c = affine.load %C[%i, %j] : memref<8x8xf32>
      %s = arith.addf %c, %p : f32
      affine.store %s, %C[%i, %j] : memref<8x8xf32>
    }
becomes
    %c0 = affine.load %C[%i, %j] : memref<8x8xf32>
    %r = affine.for %k = 0 to 64 iter_args(%c = %c0) -> (f32) {
      %s = arith.addf %c, %p : f32
      affine.yield %s : f32
    }
    affine.store %r, %C[%i, %j] : memref<8x8xf32>
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from nnopt.passes.scalar_replacement import promote_invariant_accesses


@dataclass(frozen=True)
class AffineScalarReplace(ModulePass):
    """Hold loop-invariant memory locations in registers across loops (iter_args)."""

    name = "affine-scalar-replace"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, xdsl_affine.ForOp)]
        for loop in reversed(loops):
            promote_invariant_accesses(loop)
