"""Pass pipelines: parsing pipeline text, the named pipelines, the way down to C.

    parse_pipeline("builtin.module(convert-graph-to-linalg,bufferize)")
    parse_pipeline("lower-to-affine")        # a named pipeline is a pass too
    conversions_to_c(module)                 # what still has to run to emit C

MLIR's nesting syntax is accepted: `builtin.module(...)` and `func.func(...)`
anchors are flattened (every pass here works on the whole module).

Named pipelines are one readable list each, below; every step is also a pass on
its own, so any prefix of a pipeline can be run and inspected with nn-opt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.memref import CopyOp
from xdsl.passes import ModulePass
from xdsl.utils.arg_spec import parse_pipeline as parse_pass_specs
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException

from nnopt.lowering.bufferize import module_has_tensors
from nnopt.lowering.pass_registry import PASSES, register_pass
from nnopt.support.diagnostics import CompileError, SourceLocation
from nnopt.support.verification import verification_errors

# -- named pipelines -----------------------------------------------------------------


@dataclass(frozen=True)
class NamedPipeline(ModulePass):
    """A pass that runs a fixed list of passes (see `steps`)."""

    summary: ClassVar[str] = ""

    def steps(self) -> list[str]:
        raise NotImplementedError

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for step in parse_pipeline(",".join(self.steps())):
            run_pass(ctx, op, step)


@register_pass
@dataclass(frozen=True)
class LowerToAffine(NamedPipeline):
    """graph -> linalg on tensors -> memrefs -> affine loops, without optimisation."""

    name = "lower-to-affine"

    def steps(self) -> list[str]:
        return [
            "convert-graph-to-linalg",
            "bufferize",
            "convert-linalg-to-affine",
        ]


@register_pass
@dataclass(frozen=True)
class DefaultPipeline(NamedPipeline):
    """The default optimising pipeline from any level down to C-ready affine IR."""

    name = "default-pipeline"

    target: str = "native"

    fuse_epilogue: bool = False
    """Group contractions with their elementwise epilogue (graph-fuse-epilogue). Off by
    default: fused groups skip linalg-strategies and the vector passes do not block
    their nests yet, so the fused code is slower (see the graph passes' benchmark)."""

    conv_strategy: str = "auto"
    """graph-conv-strategy's strategy for every convolution: auto (its heuristic),
    direct, im2col or winograd."""

    winograd_tile: int = 4
    """Output tile of Winograd convolutions: 4 or 2."""

    def steps(self) -> list[str]:
        graph_steps = ["graph-constant-fold", "graph-fold-batch-norm", "cse", "dce"]
        if self.fuse_epilogue:
            graph_steps.append("graph-fuse-epilogue")
        return [
            *graph_steps,
            f"graph-conv-strategy{{target={self.target} strategy={self.conv_strategy} winograd-tile={self.winograd_tile}}}",
            "convert-attention-to-kernel",
            "convert-graph-to-linalg",
            "bufferize",
            f"linalg-strategies{{target={self.target}}}",
            "convert-linalg-to-affine",
            "poly-schedule",
            f"affine-vectorize{{target={self.target}}}",
            f"affine-register-block{{target={self.target}}}",
        ]


# -- what must still run before C can be emitted -----------------------------------


def _has_graph_ops(module: ModuleOp) -> bool:
    return any(op.dialect_name() == "graph" for op in module.walk())


def _has_tensors(module: ModuleOp) -> bool:
    return module_has_tensors(module)


def _has_linalg(module: ModuleOp) -> bool:
    return any(
        isinstance(op, LinalgStructuredOperation | CopyOp) or op.dialect_name() == "kernel"
        for op in module.walk()
    )


_CONVERSIONS = (
    ("convert-graph-to-linalg", _has_graph_ops),
    ("bufferize", _has_tensors),
    ("convert-linalg-to-affine", _has_linalg),
)


def conversions_to_c(module: ModuleOp) -> list[str]:
    """The conversions `module` still needs before the C emitter can take it."""
    needed: list[str] = []
    for name, is_needed in _CONVERSIONS:
        if needed or is_needed(module):
            needed.append(name)
    return needed


def lower_to_c_ready(ctx: Context, module: ModuleOp) -> list[str]:
    """Run the conversions `module` still needs; returns their names."""
    done: list[str] = []
    for name, is_needed in _CONVERSIONS:
        if is_needed(module):
            run_pass(ctx, module, PASSES[name]())
            done.append(name)
    return done


# -- parsing pipeline text ---------------------------------------------------------

_ANCHOR = re.compile(r"([A-Za-z_][\w$.]*)\s*\(")


def _flatten_anchors(text: str) -> str:
    """Remove `builtin.module(` / `func.func(` anchors and their closing parens."""
    out: list[str] = []
    closing_to_drop: list[bool] = []
    depth_braces = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if depth_braces == 0:
            match = _ANCHOR.match(text, i)
            if match and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-_")):
                if "." not in match.group(1):
                    raise CompileError(
                        f"'{match.group(1)}(' is not an op anchor (expected e.g. builtin.module(...))",
                        location=SourceLocation("pass-pipeline", 1, i + 1),
                    )
                closing_to_drop.append(True)
                i = match.end()
                continue
            if ch == ")":
                if not closing_to_drop:
                    raise CompileError(
                        "unbalanced ')' in pass pipeline",
                        location=SourceLocation("pass-pipeline", 1, i + 1),
                    )
                closing_to_drop.pop()
                i += 1
                continue
        if ch == "{":
            depth_braces += 1
        elif ch == "}":
            depth_braces -= 1
        out.append(ch)
        i += 1
    if closing_to_drop:
        raise CompileError(
            "missing ')' in pass pipeline", location=SourceLocation("pass-pipeline", 1, len(text))
        )
    flat = "".join(out)
    return re.sub(r"\s*,\s*", ",", flat).strip().strip(",")


def parse_pipeline(text: str) -> list[ModulePass]:
    """Passes (with options) from MLIR pipeline text; CompileError on any problem."""
    flat = _flatten_anchors(text.strip())
    if not flat:
        return []
    available = PASSES
    try:
        specs = list(parse_pass_specs(flat))
    except ArgSpecParseError as error:
        lines = str(error).splitlines()
        message = lines[-1].strip() if lines else "malformed pass pipeline"
        raise CompileError(
            f"malformed pass pipeline '{flat}': {message}",
            location=SourceLocation("pass-pipeline", 1, 1),
        ) from None
    passes: list[ModulePass] = []
    for spec in specs:
        if spec.name not in available:
            raise CompileError(
                f"unknown pass '{spec.name}' (nn-opt --list-passes shows them all)",
                location=SourceLocation("pass-pipeline", 1, max(flat.find(spec.name), 0) + 1),
            )
        try:
            passes.append(available[spec.name].from_pass_spec(spec))
        except (ValueError, TypeError) as error:
            raise CompileError(
                f"bad options for pass '{spec.name}': {error}",
                location=SourceLocation("pass-pipeline", 1, max(flat.find(spec.name), 0) + 1),
            ) from None
    return passes


def pipeline_text(passes: Sequence[ModulePass]) -> str:
    return "builtin.module(" + ",".join(str(p.pipeline_pass_spec()) for p in passes) + ")"


# -- running passes ----------------------------------------------------------------


def run_pass(ctx: Context, module: ModuleOp, pass_: ModulePass) -> None:
    """Apply one pass and verify the result; every failure is a CompileError."""
    try:
        pass_.apply(ctx, module)
    except CompileError:
        raise
    except DiagnosticException as error:
        raise CompileError(f"pass '{pass_.name}' failed: {error.args[0] if error.args else error}") from None
    except Exception as error:
        raise CompileError(
            f"internal error in pass '{pass_.name}': {type(error).__name__}: {error}"
        ) from error
    errors = verification_errors(module)
    if errors:
        first = errors[0]
        raise CompileError(
            f"{first.message} (after pass '{pass_.name}', which produced invalid IR)",
            first.op,
        )
