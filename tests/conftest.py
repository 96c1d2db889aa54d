"""Shared test helpers: running nn-opt, random inputs, numpy comparisons."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent


def run_nn_opt(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed nn-opt tool as a user would."""
    return run_tool("nnopt.tools.nn_opt", *args, stdin=stdin, cwd=cwd)


def run_tool(
    module: str, *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of the installed tools (`nnopt.tools.nn_import`, ...) as a user would."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
