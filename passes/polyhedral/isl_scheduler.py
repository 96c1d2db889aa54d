"""isl's own scheduler (itself inspired by Pluto), as the alternative to ours.

    schedule = isl_schedule(scop, deps, fuse="nn", max_shift=1, max_coefficient=4)

The constraints are the same as Pluto's: validity (what must stay in order,
reductions relaxed), proximity (flow dependences) and coincidence (every
conflict, so reduction loops are never parallel). Fusion policies map to isl
options: `nofuse` serialises the strongly connected components; `nn` sets
`schedule_max_constant_term = 0`, which stops isl from fusing NN ops by huge
constant shifts; the others allow shifts up to `max_shift`.
"""

from __future__ import annotations

import islpy as isl

from nnopt.passes.polyhedral.dependences import Dependences
from nnopt.passes.polyhedral.isl_support import operation_budget
from nnopt.passes.polyhedral.scop import Scop


def isl_schedule(
    scop: Scop,
    deps: Dependences,
    fuse: str,
    max_shift: int,
    max_coefficient: int,
    max_operations: int = 200_000_000,
) -> isl.Schedule:
    ctx = scop.ctx
    ctx.set_schedule_serialize_sccs(1 if fuse == "nofuse" else 0)
    ctx.set_schedule_max_constant_term(0 if fuse == "nn" else max_shift)
    ctx.set_schedule_max_coefficient(max_coefficient)
    ctx.set_schedule_whole_component(0)
    ctx.set_schedule_outer_coincidence(0)
    constraints = (
        isl.ScheduleConstraints.on_domain(scop.domain())
        .set_context(scop.context)
        .set_validity(deps.validity)
        .set_proximity(deps.proximity)
        .set_coincidence(deps.conflicts)
    )
    with operation_budget(ctx, max_operations):
        return constraints.compute_schedule()
