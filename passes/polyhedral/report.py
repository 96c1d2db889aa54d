"""A readable account of a SCoP, its dependences and its schedule (for debugging).

    print(describe(scop, deps, schedule), file=sys.stderr)

    scop at model.mlir:3:5: 2 statements, parameters []
      S0 { S0[i, j] : 0 <= i <= 3 and 0 <= j <= 15 }
        write M0_C[i, j]
      ...
    dependences (required): S0 -> S1 (RAW WAW); S1 -> S1 (reduction over k, relaxed)
    schedule:
      domain: ...
"""

from __future__ import annotations

import islpy as isl

from nnopt.passes.polyhedral.dependences import Dependences
from nnopt.passes.polyhedral.scop import Scop
from nnopt.support.diagnostics import location_of


def _pairs(relation: isl.UnionMap) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()

    def add(piece: isl.Map) -> None:
        if not piece.is_empty():
            pairs.add((piece.get_tuple_name(isl.dim_type.in_), piece.get_tuple_name(isl.dim_type.out)))

    relation.foreach_map(add)
    return pairs


def describe(scop: Scop, deps: Dependences, schedule: isl.Schedule) -> str:
    location = location_of(scop.anchor)
    lines = [
        f"scop at {location if location is not None else '<unknown>'}: {len(scop.statements)} statements, "
        f"parameters [{', '.join(scop.params.names)}]"
    ]
    for statement in scop.statements:
        lines.append(f"  {statement.name} {statement.domain}")
        for access in statement.accesses:
            target = access.relation.range().get_tuple_name()
            kind = "write" if access.is_write else "read"
            lines.append(f"    {kind} {target} {access.relation}")
    kinds: dict[tuple[str, str], list[str]] = {}
    for label, relation in (("RAW", deps.raw), ("WAR", deps.war), ("WAW", deps.waw)):
        for pair in sorted(_pairs(relation)):
            kinds.setdefault(pair, []).append(label)
    summary = [f"{a} -> {b} ({' '.join(k)})" for (a, b), k in sorted(kinds.items())]
    lines.append("dependences: " + ("; ".join(summary) if summary else "none"))
    for reduction in deps.reductions.values():
        statement = scop.statement(reduction.statement)
        dims = ", ".join(statement.dim_names[d] for d in reduction.dims)
        state = "relaxed" if reduction.relaxed else f"kept exact ({reduction.why_not_relaxed or 'option off'})"
        lines.append(f"reduction: {reduction.statement} over {dims} into {reduction.array}, {state}")
    lines.append("schedule:")
    lines.extend("  " + line for line in schedule.get_root().to_str().splitlines() if "YOU ARE HERE" not in line)
    return "\n".join(lines) + "\n"
