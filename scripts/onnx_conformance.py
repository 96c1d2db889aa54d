#!/usr/bin/env python3
"""Run the ONNX backend node tests of the supported ops and print a per-op table.

    source .venv/bin/activate           # (NNOPT_EXTRAS=test,onnx source scripts/env.sh)
    python scripts/onnx_conformance.py               # every op
    python scripts/onnx_conformance.py --op Attention --op Conv --failures

Columns: `cases` are all the op's backend cases (any type), `float32` those whose
data is float32, `rule` the float32 function-body (`_expanded`) cases left out
because their body uses ops outside the list, `skipped` the float32 cases in the
SKIPPED table of tests/e2e/test_onnx_conformance.py, `passed` / `failed` the
rest, run as that test does (import, compile with the default pipeline, run,
compare with rtol 1e-3 / atol 1e-7). Exit status 1 if any case fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.onnx_conformance import OPS, Case, check_case, conformance_cases, rule_skip
from tests.e2e.test_onnx_conformance import SKIPPED

COLUMNS = ("cases", "float32", "rule", "skipped", "passed", "failed")


def outcome(case: Case, failures: list[str]) -> str:
    if not case.float32():
        return "other"
    if rule_skip(case) is not None:
        return "rule"
    if case.name in SKIPPED:
        return "skipped"
    try:
        check_case(case)
    except Exception as error:  # a failure of any kind is reported, not raised
        failures.append(f"{case.name}: {type(error).__name__}: {str(error).strip()[:500]}")
        return "failed"
    return "passed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op", action="append", default=[], help="only this op type (repeatable)")
    parser.add_argument("--failures", action="store_true", help="print each failure")
    args = parser.parse_args()
    unknown = set(args.op) - set(OPS)
    if unknown:
        parser.error(f"not a listed op: {', '.join(sorted(unknown))}")
    ops = args.op or list(OPS)
    start = time.perf_counter()
    counts: dict[str, Counter[str]] = {op: Counter() for op in ops}
    failures: list[str] = []
    for case in conformance_cases():
        if case.op not in counts:
            continue
        result = outcome(case, failures)
        counts[case.op]["cases"] += 1
        if result != "other":
            counts[case.op]["float32"] += 1
            counts[case.op][result] += 1
    total: Counter[str] = sum(counts.values(), Counter())
    width = max(len(op) for op in ops)
    print(f"{'op':<{width}}  " + "  ".join(f"{c:>7}" for c in COLUMNS))
    for op, row in [*counts.items(), ("total", total)]:
        print(f"{op:<{width}}  " + "  ".join(f"{row[c]:>7}" for c in COLUMNS))
    counted = total["float32"] - total["rule"]
    print(
        f"\n{total['passed']} of {counted} float32 cases pass "
        f"({100 * total['passed'] / max(counted, 1):.1f}%); {total['skipped']} skipped with a "
        f"reason, {total['rule']} function-body cases left out by rule; "
        f"{time.perf_counter() - start:.0f} s"
    )
    if args.failures:
        print("\n".join(["", *failures]) if failures else "\nno failures")
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
