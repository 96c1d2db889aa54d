"""poly-schedule: polyhedral scheduling of affine loop nests (Pluto-like, on islpy).

    nn-opt model.mlir -p 'poly-schedule{scheduler=pluto fuse=nn tile-sizes=32,32,64}'

For each run of consecutive `affine.for` nests in a function's body block (a SCoP):

1. the polyhedral model (`polyhedral/extraction.py`): statements, domains,
   accesses, the original order; nests it cannot model are left alone with a
   remark saying which op and why;
2. exact dependences, with associative reductions relaxed
   (`relax-reductions`, floating-point reassociation; `polyhedral/dependences.py`);
3. a schedule: our Pluto (`scheduler=pluto`, fusion policy `fuse` =
   nn | smartfuse | maxfuse | nofuse) or isl's (`scheduler=isl`);
4. tiling of permutable bands (sizes from `tile-sizes`, `l2-tile-sizes`, or
   the cache model), full-tile isolation, intra-tile permutation, wavefronts,
   `simd` marks (`polyhedral/tiling.py`);
5. a legality check of the final schedule against the dependences: a schedule
   that fails it is declined with a remark and the code is left as it was;
6. code generation through isl's AST (`polyhedral/codegen.py`): `affine.for`
   with max/min bounds, `affine.if`, `nnopt.parallel` on the outermost parallel
   loop, `nnopt.simd` and `nnopt.reduction` marks.

When scheduling fails or runs over `time-budget-ms`, the original order is
kept (still with parallel marks) and a remark says why. `print-schedule`
writes the SCoP, a dependence summary and the schedule tree to stderr.

Example (a 64x64 copy, tile-sizes=32):

    affine.for %i = 0 to 64 { affine.for %j = 0 to 64 { B[i, j] = A[i, j] } }
becomes
    affine.for %c0 = 0 to 64 step 32 {           {nnopt.parallel}
      affine.for %c1 = 0 to 64 step 32 {
        affine.for %c2 = %c0 to (d0 + 32)(%c0) {
          affine.for %c3 = %c1 to (d0 + 32)(%c1) { ... }   {nnopt.simd}
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import islpy as isl
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.passes.polyhedral.codegen import CodegenOptions, CodegenUnsupported, generate_affine
from nnopt.passes.polyhedral.dependences import Dependences, compute_dependences
from nnopt.passes.polyhedral.extraction import ScopRegion, build_scop, scop_regions
from nnopt.passes.polyhedral.isl_scheduler import isl_schedule
from nnopt.passes.polyhedral.isl_support import (
    BudgetExceeded,
    SchedulingFailed,
    isl_errors,
    new_isl_context,
)
from nnopt.passes.polyhedral.legality import violated_dependences
from nnopt.passes.polyhedral.pluto import FUSION_POLICIES, PlutoOptions, PlutoScheduler
from nnopt.passes.polyhedral.report import describe
from nnopt.passes.polyhedral.schedule_tree import original_schedule_tree, to_isl_schedule
from nnopt.passes.polyhedral.scop import Scop
from nnopt.passes.polyhedral.tiling import BandOptions, UntiledSkew, transform_bands
from nnopt.passes.polyhedral.time_limit import run_with_time_limit
from nnopt.support.diagnostics import CompileError, emit_remark

SCHEDULERS = ("pluto", "isl")


@dataclass(frozen=True)
class ScheduledScop:
    """A SCoP with its dependences and the legal schedule poly-schedule chose for it."""

    scop: Scop
    deps: Dependences
    schedule: isl.Schedule


@dataclass(frozen=True)
class PolySchedule(ModulePass):
    """Polyhedral scheduling of affine loop nests: fusion, tiling, parallel and SIMD marks."""

    name = "poly-schedule"

    scheduler: str = "pluto"
    """pluto (ours) or isl."""
    fuse: str = "nn"
    """Fusion policy: nn, smartfuse, maxfuse or nofuse."""
    tile: bool = True
    tile_sizes: tuple[int, ...] = ()
    """L1 tile sizes per band member (the last repeats); empty: from the cache model."""
    l2_tile_sizes: tuple[int, ...] = ()
    """A second, outer tile level (multiples of tile-sizes); empty: none unless tile-levels=2."""
    tile_levels: int = 1
    isolate: bool = True
    """Separate full tiles (constant bounds) from partial ones."""
    parallel: bool = True
    simd: bool = True
    wavefront: bool = True
    relax_reductions: bool = True
    """Let reductions run in any order (floating-point reassociation)."""
    max_shift: int = 1
    max_coefficient: int = 4
    time_budget_ms: int = 10000
    print_schedule: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        self._check_options()
        isl_ctx = new_isl_context()
        for function in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            if function.is_declaration:
                continue
            for region in scop_regions(function.body.block):
                self._schedule_region(isl_ctx, region)

    def _check_options(self) -> None:
        if self.scheduler not in SCHEDULERS:
            raise CompileError(f"poly-schedule: unknown scheduler '{self.scheduler}' (pluto or isl)")
        if self.fuse not in FUSION_POLICIES:
            raise CompileError(f"poly-schedule: unknown fusion policy '{self.fuse}' ({', '.join(FUSION_POLICIES)})")
        if any(s < 1 for s in (*self.tile_sizes, *self.l2_tile_sizes)) or self.tile_levels not in (1, 2):
            raise CompileError("poly-schedule: tile sizes must be positive and tile-levels 1 or 2")
        if self.max_shift < 0 or self.max_coefficient < 1 or self.time_budget_ms < 1:
            raise CompileError("poly-schedule: max-shift >= 0, max-coefficient >= 1, time-budget-ms >= 1")

    def plan(self, isl_ctx: isl.Context, region: ScopRegion) -> ScheduledScop | None:
        """The SCoP of `region`, its dependences and its checked schedule (None: declined)."""
        scop = build_scop(isl_ctx, region)
        deps = compute_dependences(scop, self.relax_reductions)
        schedule = self._schedule(scop, deps)
        with isl_errors(scop.anchor, "checking the schedule"):
            violated = violated_dependences(schedule, deps.required)
        if not violated.is_empty():
            emit_remark(scop.anchor, f"schedule declined: it would reverse dependences {violated}")
            return None
        return ScheduledScop(scop, deps, schedule)

    def _schedule_region(self, isl_ctx: isl.Context, region: ScopRegion) -> None:
        planned = self.plan(isl_ctx, region)
        if planned is None:
            return
        scop, deps, schedule = planned.scop, planned.deps, planned.schedule
        if self.print_schedule:
            sys.stderr.write(describe(scop, deps, schedule))
        try:
            new_ops = generate_affine(scop, schedule, deps, CodegenOptions(self.parallel, self.simd))
        except CodegenUnsupported as reason:
            emit_remark(scop.anchor, f"loops not rewritten: {reason}")
            return
        _replace(scop, new_ops)

    def _schedule(self, scop: Scop, deps: Dependences) -> isl.Schedule:
        """The transformed schedule, or the original one when scheduling fails."""
        try:
            text = run_with_time_limit(
                lambda: self._transformed(scop, deps).to_str(),
                self.time_budget_ms / 1000.0,
                passed_on=(SchedulingFailed, UntiledSkew, CompileError),
            )
            with isl_errors(scop.anchor, "reading the schedule back"):
                return isl.Schedule.read_from_str(scop.ctx, text)
        except (SchedulingFailed, BudgetExceeded) as reason:
            emit_remark(scop.anchor, f"keeping the original loop order: {reason}")
        except UntiledSkew:
            pass  # the data fits in cache: the original order is the better one
        except CompileError as error:
            raise CompileError(error.message, scop.anchor) from None
        with isl_errors(scop.anchor, "rebuilding the original schedule"):
            return to_isl_schedule(original_schedule_tree(scop), scop)

    def _transformed(self, scop: Scop, deps: Dependences) -> isl.Schedule:
        with isl_errors(scop.anchor, "scheduling"):
            if self.scheduler == "isl":
                schedule = isl_schedule(scop, deps, self.fuse, self.max_shift, self.max_coefficient)
            else:
                options = PlutoOptions(self.fuse, self.max_shift, self.max_coefficient)
                schedule = to_isl_schedule(PlutoScheduler(scop, deps, options).schedule(), scop)
            band_options = BandOptions(
                tile=self.tile,
                sizes=self.tile_sizes,
                outer_sizes=self.l2_tile_sizes,
                levels=2 if self.l2_tile_sizes else self.tile_levels,
                isolate=self.isolate,
                simd=self.simd,
                wavefront=self.wavefront and self.parallel,
            )
            return transform_bands(schedule, scop, band_options, deps.required)


def _replace(scop: Scop, new_ops: list[Operation]) -> None:
    """Put the hoisted ops and the new loops where the first nest was; erase the old nests."""
    anchor = scop.loops[0]
    for op in scop.hoisted:
        op.detach()
        Rewriter.insert_op(op, InsertPoint.before(anchor))
    for op in new_ops:
        Rewriter.insert_op(op, InsertPoint.before(anchor))
    for loop in scop.loops:
        Rewriter.erase_op(loop)
