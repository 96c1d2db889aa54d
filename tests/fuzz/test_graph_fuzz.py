"""Differential fuzzing of graph programs: every registered pass at every level, compiled
to C and run, agrees with the reference executor (numpy semantics of the graph ops)."""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.budget import draw_variants, fuzz_settings
from tests.fuzz.differential import Program, check_program
from tests.fuzz.graph_programs import graph_programs


@fuzz_settings(examples=10)
@given(program=graph_programs(), data=st.data())
def test_graph_programs_match_the_reference(program: Program, data: st.DataObject) -> None:
    report = check_program(program, draw_variants(data), "graph-programs")
    event(f"variants compiled and compared: {len(report.ran)}")
    for pipeline in sorted(set(report.changed)):
        event(f"changed the IR: {pipeline}")
