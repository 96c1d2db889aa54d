"""Checking a schedule against the dependences before the code is rewritten.

    violated = violated_dependences(schedule, deps)   # empty: every pair stays in order
    if not violated.is_empty(): decline

Every pair of `deps.required` (exact RAW/WAR/WAW, reductions relaxed where
allowed) must run source first: S(source) <_lex S(target) in the flattened
schedule. Tiling, permutation, sinking and wavefronts are all checked here
again, whatever the scheduler promised (Polly and Polygeist have shipped wrong
code where this step was skipped).
"""

from __future__ import annotations

import islpy as isl

from nnopt.passes.polyhedral.dependences import Dependences


def violated_dependences(schedule: isl.Schedule, deps: Dependences) -> isl.UnionMap:
    """The dependence pairs `schedule` does not execute in order."""
    mapping = schedule.get_map()
    in_order = mapping.lex_lt_union_map(mapping)
    return deps.required.subtract(in_order).coalesce()
