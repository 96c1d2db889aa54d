"""Differential fuzzing of affine loop nests: every registered pass, compiled to C and
run, agrees with the reference executor on the untransformed nest."""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.affine_programs import affine_programs
from tests.fuzz.budget import draw_variants, fuzz_settings
from tests.fuzz.differential import Program, check_program


@fuzz_settings(examples=15)
@given(program=affine_programs(), data=st.data())
def test_affine_programs_match_the_reference(program: Program, data: st.DataObject) -> None:
    report = check_program(program, draw_variants(data, levels=1), "affine-programs")
    event(f"variants compiled and compared: {len(report.ran)}")
    for pipeline in sorted(set(report.changed)):
        event(f"changed the IR: {pipeline}")
