"""Checking a schedule against the dependences before the code is rewritten.

    violated = violated_dependences(schedule, deps.required)   # empty: all pairs in order
    if not violated.is_empty(): decline

Every pair of `deps.required` (exact RAW/WAR/WAW, reductions relaxed where
allowed) must run source first: S(source) <_lex S(target) in the flattened
schedule. Tiling, permutation, sinking and wavefronts are all checked here
again, whatever the scheduler promised (Polly and Polygeist have shipped wrong
code where this step was skipped).
"""

from __future__ import annotations

import islpy as isl


def violated_dependences(schedule: isl.Schedule, required: isl.UnionMap) -> isl.UnionMap:
    """The pairs of `required` (e.g. `Dependences.required`) `schedule` does not run in order."""
    mapping = schedule.get_map()
    in_order = mapping.lex_lt_union_map(mapping)
    return required.subtract(in_order).coalesce()
