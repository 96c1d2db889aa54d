"""ONNX backend node tests of the supported ops: import -> compile -> run -> compare.

Every float32 case of the listed ops runs (see onnx_conformance.py for what that
means, and scripts/onnx_conformance.py for the per-op table); the ones that
cannot pass are in `SKIPPED` with the reason, and each of those must fail to
import with that diagnostic (so the table cannot go stale). Function-body
(`_expanded`) cases whose body uses ops outside the list are left out by rule.
The whole set takes about a minute on two cores, so CI runs all of it.
"""

from __future__ import annotations

import pytest

import nnopt
from tests.e2e.onnx_conformance import Case, check_case, float32_cases, frozen_model, rule_skip

ARGMAX = (
    "the Indices output (int64 argmax positions) is not produced",
    "the Indices output (argmax positions) is not supported",
)

SKIPPED: dict[str, tuple[str, str]] = {
    # case name: (why it cannot pass, a fragment of the import diagnostic)
    "test_maxpool_with_argmax_2d_precomputed_pads": ARGMAX,
    "test_maxpool_with_argmax_2d_precomputed_strides": ARGMAX,
    "test_pow_types_int64_float32": (
        "an int64 base: the result is an int64 tensor, graph ops compute floats",
        "input #0 (X, 'x') is a i64 tensor",
    ),
    "test_pow_types_int32_float32": (
        "an int32 base: the result is an int32 tensor, graph ops compute floats",
        "input #0 (X, 'x') is a i32 tensor",
    ),
    "test_pow_types_float32_uint64": (
        "a uint64 exponent graph input: unsigned tensors are not taken as arguments",
        "'y' has element type uint64",
    ),
    "test_pow_types_float32_uint32": (
        "a uint32 exponent graph input: unsigned tensors are not taken as arguments",
        "'y' has element type uint32",
    ),
}

CASES = [case for case in float32_cases() if rule_skip(case) is None]
RUN = [case for case in CASES if case.name not in SKIPPED]
NOT_RUN = [case for case in CASES if case.name in SKIPPED]


@pytest.mark.parametrize("case", RUN, ids=[case.name for case in RUN])
def test_conformance_case(case: Case) -> None:
    check_case(case)


@pytest.mark.parametrize("case", NOT_RUN, ids=[case.name for case in NOT_RUN])
def test_skipped_case_is_reported(case: Case) -> None:
    _, fragment = SKIPPED[case.name]
    model, _ = frozen_model(case)
    with pytest.raises(nnopt.CompileError) as error:
        nnopt.import_onnx(model)
    assert fragment in str(error.value)


def test_skip_table_names_float32_cases() -> None:
    names = {case.name for case in CASES}
    assert set(SKIPPED) <= names, sorted(set(SKIPPED) - names)


def test_most_float32_cases_pass() -> None:
    assert len(RUN) >= 0.95 * len(CASES), f"{len(RUN)} of {len(CASES)} float32 cases run"
