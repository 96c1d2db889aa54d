"""The documentation runs: every code block of every doc, and the pass reference is current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.docs.doc_blocks import fenced_blocks

DOCS = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
RUNNER = Path(__file__).with_name("run_doc.py")


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_block_of_the_doc_runs(doc: Path, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(doc)], cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout


def test_docs_are_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for doc in DOCS[:-1]:
        assert f"docs/{doc.name}" in readme, doc.name


def test_doc_code_blocks_are_tagged_for_the_runner() -> None:
    """Every mlir/tc/python block runs; a shell block either runs or shows a command to type."""
    for doc in DOCS:
        for block in fenced_blocks(doc.read_text()):
            assert block.language, f"{doc}:{block.line}: a code block needs a language"


def test_runner_reports_a_failing_block(tmp_path: Path) -> None:
    doc = tmp_path / "bad.md"
    doc.write_text("# t\n\n```python\nx = 1\n```\n\n```mlir\nfunc.func @f( {\n```\n")
    done = subprocess.run([sys.executable, str(RUNNER), str(doc)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert f"{doc}:7: mlir block: `nn-opt snippet1.mlir` failed" in done.stderr
    doc.write_text("```python\nprint('hello')\n```\n```text {output}\ngoodbye\n```\n")
    done = subprocess.run([sys.executable, str(RUNNER), str(doc)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "expected output line not found: 'goodbye'" in done.stderr


def test_pass_reference_is_up_to_date() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_pass_docs.py"), "--check"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr
