"""Differential testing: a program, transformed by each pass at each level, compiled to
C, run, and compared with the reference executor on the untransformed program.

    program = Program(text, "f", seed=3, scalars=(5,))
    check_program(program, [Variant("", 0), Variant("canonicalize", 2, "x86-avx2")])

A *level* is the program after 0, 1, 2... of the conversions that lead to C
(graph -> linalg -> memrefs -> affine). A *variant* applies one pipeline at one
level, then compiles with `nnopt.compile(..., pipeline="")`. For each variant the
transformed IR is also run by the reference executor, which points at the pass
when the C alone would not say whether the pass or the C emitter is wrong.

A pass that declines (a CompileError without an underlying exception) is not a
failure, except on the untransformed program; a crash is. A failing case is
written, with everything needed to replay it, to $NNOPT_FUZZ_FAILURES
(default: <tmp>/nnopt-fuzz-failures/<test>.mlir); hypothesis replays the shrunk
case last, so that file holds the minimal one. Moved to tests/fuzz/regressions/,
it is replayed by test_regressions.py.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import IndexType, IntegerType, MemRefType, ModuleOp, TensorType

import nnopt
from nnopt.lowering.pipeline import PASSES, conversions_to_c, parse_pipeline, run_pass
from nnopt.reference.values import numpy_dtype
from nnopt.registry import make_context
from nnopt.support.diagnostics import CompileError
from nnopt.support.parsing import parse_module
from nnopt.support.verification import verify_module

INPUT_RANGE = 3
"""Inputs are integers in [-3, 3]: sums and products stay exact in float32, so
results agree bit for bit whatever order a transformation sums in (unless an op
rounds, such as a division; the tolerance covers those). Every fourth seed also
puts NaN, infinities and signed zeros into the inputs."""

RTOL = 1e-5


@dataclass(frozen=True)
class Program:
    text: str
    function: str
    seed: int = 0
    scalars: tuple[int, ...] = ()
    """Values of the function's integer and index arguments, in order."""


@dataclass(frozen=True)
class Variant:
    pipeline: str
    """Passes to apply (pipeline text); "" applies none."""
    level: int
    target: str = "native"

    def describe(self) -> str:
        return f"{self.pipeline or '(no pass)'} @ level {self.level} on {self.target}"


@dataclass
class Outcome:
    """What a call left behind: its returned arrays and every argument array afterwards."""

    returned: list[np.ndarray]
    arguments: list[np.ndarray]

    def arrays(self) -> list[tuple[str, np.ndarray]]:
        return [(f"result #{i}", a) for i, a in enumerate(self.returned)] + [
            (f"argument #{i}", a) for i, a in enumerate(self.arguments)
        ]


class ProgramFailure(AssertionError):
    """The compiled or transformed program disagrees with the reference, or crashed."""


@dataclass
class Report:
    """What one check did (for hypothesis' statistics and for debugging)."""

    ran: list[str] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """Pipelines that changed the IR they were given."""


# -- inputs ------------------------------------------------------------------------


def _function(module: ModuleOp, name: str) -> func.FuncOp:
    for op in module.body.block.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == name:
            return op
    raise ProgramFailure(f"the program has no function @{name}")


def make_arguments(program: Program, module: ModuleOp) -> list[Any]:
    """Deterministic arguments for the program's function: arrays from the seed,
    integer arguments from `program.scalars`."""
    rng = np.random.default_rng(program.seed)
    scalars = iter(program.scalars)
    arguments: list[Any] = []
    for arg in _function(module, program.function).body.block.args:
        type_ = arg.type
        if isinstance(type_, TensorType | MemRefType):
            dtype = numpy_dtype(type_.get_element_type())
            values = np.asarray(rng.integers(-INPUT_RANGE, INPUT_RANGE + 1, size=type_.get_shape()), dtype=dtype)
            if dtype.kind == "f" and program.seed % 4 == 3 and values.size:
                # every fourth seed: NaN, infinities and signed zeros in a few places
                specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], dtype=dtype)
                where = rng.random(values.shape) < 0.3
                values[where] = rng.choice(specials, size=int(where.sum()))
            arguments.append(np.asarray(values, dtype=dtype, order="C"))
        elif isinstance(type_, IndexType | IntegerType):
            arguments.append(next(scalars))
        else:
            arguments.append(numpy_dtype(type_).type(rng.integers(-INPUT_RANGE, INPUT_RANGE + 1)))
    return arguments


def _copy(arguments: Sequence[Any]) -> list[Any]:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]


def _outcome(returned: Any, arguments: Sequence[Any]) -> Outcome:
    if returned is None:
        values: list[Any] = []
    elif isinstance(returned, tuple):
        values = list(returned)
    else:
        values = [returned]
    return Outcome(
        [np.asarray(v) for v in values], [a for a in arguments if isinstance(a, np.ndarray)]
    )


# -- levels and variants ----------------------------------------------------------------


def parse(text: str) -> ModuleOp:
    module = parse_module(make_context(), text, "<fuzz>")
    verify_module(module)
    return module


def levels(module: ModuleOp) -> list[ModuleOp]:
    """The program at each level on the way to C: itself, then after each conversion."""
    ctx = make_context()
    result = [module.clone()]
    current = module.clone()
    for name in conversions_to_c(current):
        run_pass(ctx, current, PASSES[name]())
        result.append(current.clone())
    return result


def is_crash(error: BaseException) -> bool:
    """Whether an error is a bug rather than a diagnostic: any exception other than
    a CompileError, or a CompileError raised because of one."""
    if not isinstance(error, CompileError):
        return True
    cause = error.__cause__
    return cause is not None and not isinstance(cause, CompileError)


def apply_variant(variant: Variant, modules: Sequence[ModuleOp]) -> ModuleOp | None:
    """The module of `variant.level` after its pipeline; None if a pass declined."""
    module = modules[variant.level].clone()
    if not variant.pipeline:
        return module
    ctx = make_context()
    try:
        for pass_ in parse_pipeline(variant.pipeline):
            run_pass(ctx, module, pass_)
    except Exception as error:
        if is_crash(error):
            raise ProgramFailure(f"{variant.describe()}: the pass crashed: {error}") from error
        return None
    return module


# -- comparing -----------------------------------------------------------------------------


def compare(actual: Outcome, expected: Outcome, what: str) -> None:
    if len(actual.returned) != len(expected.returned) or len(actual.arguments) != len(expected.arguments):
        raise ProgramFailure(f"{what}: returns {len(actual.returned)} arrays, expected {len(expected.returned)}")
    for (name, got), (_, want) in zip(actual.arrays(), expected.arrays(), strict=True):
        if got.shape != want.shape or got.dtype != want.dtype:
            raise ProgramFailure(
                f"{what}: {name} is {got.dtype}{list(got.shape)}, expected {want.dtype}{list(want.shape)}"
            )
        finite = want[np.isfinite(want)] if want.dtype.kind == "f" else want
        scale = float(np.max(np.abs(finite))) if finite.size else 0.0
        try:
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * (1.0 + scale), equal_nan=True)
        except AssertionError as error:
            raise ProgramFailure(f"{what}: {name} differs from the reference:\n{error}") from None


def reference_outcome(module: ModuleOp, program: Program, arguments: Sequence[Any]) -> Outcome:
    copies = _copy(arguments)
    return _outcome(nnopt.reference.run(module, program.function, *copies), copies)


def compiled_outcome(module: ModuleOp, program: Program, arguments: Sequence[Any], target: str) -> Outcome:
    copies = _copy(arguments)
    executable = nnopt.compile(module, target=target, pipeline="")
    return _outcome(executable[program.function](*copies), copies)


def check_program(program: Program, variants: Sequence[Variant], test_name: str = "fuzz") -> Report:
    """Run every variant and compare with the reference; raise ProgramFailure on a mismatch."""
    report = Report()
    current: Variant | None = None
    try:
        original = parse(program.text)
        arguments = make_arguments(program, original)
        expected = reference_outcome(original, program, arguments)
        modules = levels(original)
        for variant in variants:
            current = variant
            if variant.level >= len(modules):
                continue
            module = apply_variant(variant, modules)
            if module is None:
                report.declined.append(variant.describe())
                continue
            if variant.pipeline and str(module) != str(modules[variant.level]):
                report.changed.append(variant.pipeline)
            compare(reference_outcome(module, program, arguments), expected, f"{variant.describe()}, reference executor")
            try:
                outcome = compiled_outcome(module, program, arguments, variant.target)
            except CompileError as error:
                if is_crash(error) or (not variant.pipeline and variant.level == 0):
                    raise
                report.declined.append(f"{variant.describe()}: {error}")
                continue
            compare(outcome, expected, f"{variant.describe()}, compiled C")
            report.ran.append(variant.describe())
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        record_failure(program, current, error, test_name)
        if isinstance(error, ProgramFailure):
            raise
        raise ProgramFailure(f"{current.describe() if current else 'the program'}: {type(error).__name__}: {error}") from error
    return report


# -- failures and their replay -------------------------------------------------------------


def failures_dir() -> Path:
    path = Path(os.environ.get("NNOPT_FUZZ_FAILURES") or Path(tempfile.gettempdir()) / "nnopt-fuzz-failures")
    path.mkdir(parents=True, exist_ok=True)
    return path


def program_file_text(program: Program, variant: Variant | None, note: str) -> str:
    lines = [f"// {line}" for line in note.splitlines()[:3]]
    lines.append(f"// fuzz-function: {program.function}")
    lines.append(f"// fuzz-inputs: seed={program.seed} scalars={','.join(map(str, program.scalars))}")
    if variant is not None:
        lines.append(f"// fuzz-variant: level={variant.level} target={variant.target} pipeline={variant.pipeline}")
    return "\n".join(lines) + "\n" + program.text.strip() + "\n"


def record_failure(program: Program, variant: Variant | None, error: BaseException, test_name: str) -> Path:
    path = failures_dir() / f"{test_name}.mlir"
    path.write_text(program_file_text(program, variant, f"{test_name}: {type(error).__name__}: {error}"))
    return path


_HEADER = re.compile(r"^//\s*fuzz-(function|inputs|variant):\s*(.*?)\s*$", re.MULTILINE)


def read_program_file(text: str) -> tuple[Program, list[Variant]]:
    """A saved case: its program and the variants to check (the baseline always)."""
    fields = {key: value for key, value in _HEADER.findall(text)}
    settings = dict(part.split("=", 1) for part in fields.get("inputs", "").split() if "=" in part)
    scalars = tuple(int(s) for s in settings.get("scalars", "").split(",") if s)
    program = Program(text, fields.get("function", "f"), int(settings.get("seed", "0")), scalars)
    variants = [Variant("", 0)]
    if "variant" in fields:
        level, target, pipeline = re.fullmatch(
            r"level=(\d+) target=(\S+) pipeline=(.*)", fields["variant"]
        ).groups()  # type: ignore[union-attr]
        variants.append(Variant(pipeline, int(level), target))
    return program, variants
