"""How long the fuzzers run, and with which seed, and which variants each example gets.

    @fuzz_settings(examples=12)          # CI: 12 examples, fixed seed
    @given(program=..., data=st.data())
    def test_...(program, data): ...

    NNOPT_FUZZ_EXAMPLES=2000 NNOPT_FUZZ_SEED=7 pytest tests/fuzz     # a longer run

The seed defaults to 0, so CI runs the same examples every time. Hypothesis'
example database is off: a failure is reproduced by its seed and saved as a
replayable file (see differential.py), not kept in a hidden directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from nnopt.lowering.pipeline import parse_pipeline, pipeline_text
from nnopt.runtime.targets import get_target
from tests.fuzz.differential import ProgramFailure, Variant
from tests.fuzz.pass_options import option_strategy, registered_passes

MAX_LEVELS = 4
"""graph, linalg on tensors, linalg on memrefs, affine."""


def fuzz_settings(examples: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    count = int(os.environ.get("NNOPT_FUZZ_EXAMPLES", examples))
    fixed_seed = int(os.environ.get("NNOPT_FUZZ_SEED", "0"))

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        configured = settings(
            max_examples=count,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )(test)
        return seed(fixed_seed)(configured)

    return decorate


def host_targets() -> list[str]:
    """Targets whose code runs in this process (the native one first)."""
    native = get_target("native").name
    names = ["native"]
    if native == "x86-avx512":
        names.append("x86-avx2")
    if native != "generic":
        names.append("generic")
    return names


def draw_variants(data: st.DataObject, levels: int = MAX_LEVELS) -> list[Variant]:
    """The untransformed program, and every registered pass (options drawn) at every level."""
    target = data.draw(st.sampled_from(host_targets()), label="target")
    variants = [Variant("", 0, target)]
    for name, pass_type in registered_passes().items():
        strategy = option_strategy(pass_type)
        if strategy is None:
            continue
        options = data.draw(strategy, label=name)
        if "target" in options:
            options["target"] = get_target(target).name  # the pass tunes for what we build for
        try:
            pass_ = pass_type(**options)
        except (TypeError, ValueError):
            continue  # the pass class itself rejects these options
        text = pipeline_text([pass_])
        reparsed = parse_pipeline(text)
        if reparsed != [pass_]:
            raise ProgramFailure(f"pass options do not survive printing and parsing: {text} -> {reparsed}")
        variants.extend(Variant(text, level, target) for level in range(levels))
    return variants
