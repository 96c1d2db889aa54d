"""Replays every saved fuzzer failure (tests/fuzz/regressions/*.mlir) against the
reference executor: the untransformed program, and the variant that failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.differential import check_program, read_program_file

REGRESSIONS = sorted((Path(__file__).parent / "regressions").glob("*.mlir"))


@pytest.mark.sanitize
@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_saved_case_matches_the_reference(path: Path) -> None:
    program, variants = read_program_file(path.read_text())
    report = check_program(program, variants, f"regression-{path.stem}")
    assert report.ran, f"no variant of {path.name} compiled: {report.declined}"


def test_saved_cases_describe_their_bug() -> None:
    for path in REGRESSIONS:
        first = path.read_text().splitlines()[0]
        assert first.startswith("// ") and "fuzz-" not in first, f"{path.name} starts without a description"
