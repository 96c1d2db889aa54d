"""Mutated valid IR never makes nn-opt show a traceback or report an internal error:
it either compiles or gives a located diagnostic and exit status 1.

The seeds are the files of tests/corpus/valid/ and examples/; a mutation deletes,
duplicates, swaps or replaces tokens (keeping the layout of the rest), then the
result goes through a lowering to C.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from tests.conftest import REPO
from tests.corpus.corpus import LOCATED_ERROR, run_nn_opt_in_process
from tests.fuzz.budget import fuzz_settings

SEEDS = sorted((Path(__file__).parent / "valid").glob("*.mlir")) + sorted((REPO / "examples").glob("*.mlir"))
FILECHECK_SEEDS = sorted(
    p for p in (REPO / "tests" / "filecheck").rglob("*.mlir")
    if "invalid" not in p.name and "verify-diagnostics" not in p.read_text()
)
"""FileCheck inputs (their first `// -----` chunk): every op family the tests know."""


def seed_text(path: Path) -> str:
    return re.split(r"^// -----\s*$", path.read_text(), flags=re.MULTILINE)[0]

TOKEN = re.compile(
    r'"[^"\n]*"|%[\w.$#-]+|@[\w.$-]+|\^[\w.$-]+|#[\w.$-]+|!?[A-Za-z_][\w.$-]*|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|->|\S'
)

PIPELINES = ["lower-to-affine", "canonicalize,cse,dce,lower-to-affine", "convert-graph-to-linalg,bufferize", "default-pipeline"]


def tokens(text: str) -> list[str]:
    """The text as tokens and the whitespace between them (joining gives the text back)."""
    pieces: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        pieces.append(text[position : match.start()])
        pieces.append(match.group())
        position = match.end()
    pieces.append(text[position:])
    return pieces


@st.composite
def mutated_programs(draw: st.DrawFn) -> str:
    seed = draw(st.sampled_from(SEEDS + FILECHECK_SEEDS))
    pieces = tokens(seed_text(seed))
    positions = list(range(1, len(pieces), 2))  # odd positions hold tokens
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(positions))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "replace"]))
        if kind == "delete":
            pieces[where] = ""
        elif kind == "duplicate":
            pieces[where] = pieces[where] + " " + pieces[where]
        else:
            other = draw(st.sampled_from(positions))
            if kind == "swap":
                pieces[where], pieces[other] = pieces[other], pieces[where]
            else:
                pieces[where] = pieces[other]
    return "".join(pieces)


def test_tokens_rebuild_the_text() -> None:
    for seed in SEEDS + FILECHECK_SEEDS:
        text = seed_text(seed)
        assert "".join(tokens(text)) == text


@fuzz_settings(examples=150)
@given(text=mutated_programs(), pipeline=st.sampled_from(PIPELINES))
def test_mutated_ir_gives_a_diagnostic_or_c(text: str, pipeline: str) -> None:
    done = run_nn_opt_in_process(["-", "-p", pipeline, "-t", "c"], stdin=text)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in done.stderr, f"{done.stderr}\n--- input ---\n{text}"
    assert done.status in (0, 1), done.stderr
    if done.status == 1:
        assert LOCATED_ERROR.search(done.stderr), f"no located error:\n{done.stderr}\n--- input ---\n{text}"
        event("diagnosed")
    else:
        assert "int " in done.stdout
        event("compiled")
