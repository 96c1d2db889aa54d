"""affine-unroll-jam: unroll marked loops and jam the copies into the inner loops.

Loops carrying the integer attribute `nnopt.unroll_jam = F` are unrolled by F;
the copies of every nested loop are merged, so F outer iterations share each
inner iteration (their loads of values that do not depend on the outer index
can then be shared). A loop whose iterations are not independent is left alone
with a remark.

    affine.for %i = 0 to 8 {                                affine.for %i = 0 to 8 step 2 {
      affine.for %k = 0 to 4 {                                affine.for %k = 0 to 4 {
        %a = affine.load %A[%i, %k] ...          ->             %a = affine.load %A[%i, %k] ...
        affine.store %a, %B[%i, %k] ...                         %a1 = affine.load %A[%i + 1, %k] ...
      }                                                         affine.store %a, %B[%i, %k] ...
    } {nnopt.unroll_jam = 2 : i64}                              affine.store %a1, %B[%i + 1, %k] ...
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.passes import ModulePass

from nnopt.passes.unroll_jam import jam_decline_reason, unroll_and_jam
from nnopt.support.diagnostics import emit_remark

UNROLL_JAM_ATTR = "nnopt.unroll_jam"


@dataclass(frozen=True)
class AffineUnrollJam(ModulePass):
    """Unroll loops marked nnopt.unroll_jam = F by F and jam the copies."""

    name = "affine-unroll-jam"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, xdsl_affine.ForOp) and UNROLL_JAM_ATTR in o.attributes]
        for loop in reversed(loops):  # inner loops first: outer copies clone the result
            factor_attr = loop.attributes.pop(UNROLL_JAM_ATTR)
            assert isinstance(factor_attr, IntegerAttr)
            reason = jam_decline_reason(loop)
            if reason is not None:
                emit_remark(loop, f"not unrolled and jammed: {reason}")
                continue
            if unroll_and_jam(loop, factor_attr.value.data) is None:
                emit_remark(loop, "not unrolled and jammed: its trip count is below the factor")
