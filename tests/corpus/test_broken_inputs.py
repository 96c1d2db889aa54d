"""Every file of the broken-input corpus gives a located diagnostic and exit status 1
from nn-opt, and a CompileError or ArgumentError with a location from the API:
never a traceback, never an internal error."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from tests.conftest import assert_no_traceback, run_nn_opt
from tests.corpus.corpus import LOCATED_ERROR, Case, cases, run_nn_opt_in_process

CASES = cases()
TOOL_CASES = [c for c in CASES if c.nn_opt_args is not None]
API_CASES = [c for c in CASES if c.api is not None]


def _assert_diagnostic(text: str, case: Case) -> None:
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    assert LOCATED_ERROR.search(text), f"{case.name}: no file:line:col: error: in\n{text}"
    assert case.error in text, f"{case.name}: expected {case.error!r} in\n{text}"


@pytest.mark.parametrize("case", TOOL_CASES, ids=[c.name for c in TOOL_CASES])
def test_nn_opt_reports_a_located_error(case: Case) -> None:
    assert case.nn_opt_args is not None
    done = run_nn_opt_in_process([str(case.path), *case.nn_opt_args])
    assert done.status == 1, done.stderr
    _assert_diagnostic(done.stderr, case)


@pytest.mark.parametrize("case", API_CASES, ids=[c.name for c in API_CASES])
def test_api_reports_a_located_error(case: Case) -> None:
    source = case.path.read_text()
    pipeline = None
    assert case.api is not None
    if case.api.startswith("compile"):
        options = dict(part.split("=", 1) for part in case.api.split()[1:])
        pipeline = options.get("pipeline")
    with pytest.raises((nnopt.CompileError, nnopt.ArgumentError)) as info:
        executable = nnopt.compile(source, pipeline=pipeline)
        if case.api == "call":
            arguments = eval(case.call_arguments, {"np": np})  # the corpus is ours
            if not isinstance(arguments, tuple):
                arguments = (arguments,)
            executable(*arguments)
    _assert_diagnostic(str(info.value), case)


def test_every_case_is_checked_somewhere() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert case.nn_opt_args is not None or case.api is not None, case.name


@pytest.mark.parametrize("case", [c for c in TOOL_CASES if c.name in ("syntax-not-utf8", "verify-matmul-inner-dims", "pass-unknown-option")], ids=lambda c: c.name)
def test_nn_opt_process_exits_1_without_traceback(case: Case) -> None:
    assert case.nn_opt_args is not None
    done = run_nn_opt(str(case.path), *case.nn_opt_args)
    assert done.returncode == 1
    assert_no_traceback(done)
    _assert_diagnostic(done.stderr, case)
