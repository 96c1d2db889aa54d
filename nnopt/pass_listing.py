"""`nn-opt --list-passes`: every pass with its one-line summary and options.

    bufferize
        Tensors to memrefs: arguments and results become buffers, ops write in place.
    poly-schedule
        ...
        options: scheduler: str = "pluto", tile-sizes: tuple[int, ...] = ()

The summary is the first line of the pass class's docstring; named pipelines also
list their steps.
"""

from __future__ import annotations

import dataclasses
import inspect

from xdsl.passes import ModulePass

from nnopt.lowering.pass_registry import passes_by_name
from nnopt.lowering.pipeline import NamedPipeline

# xDSL passes whose classes carry no docstring of their own
_UPSTREAM_SUMMARIES = {
    "cse": "Eliminate common subexpressions (xDSL's pass).",
    "dce": "Remove operations whose results are unused and that have no effects (xDSL's pass).",
    "canonicalize": "Apply the canonicalization patterns of every op (xDSL's pass).",
}


def summary(pass_type: type[ModulePass]) -> str:
    if pass_type.name in _UPSTREAM_SUMMARIES:
        return _UPSTREAM_SUMMARIES[pass_type.name]
    doc = pass_type.__dict__.get("__doc__") or ""
    return doc.strip().splitlines()[0] if doc.strip() else "(no description)"


def options(pass_type: type[ModulePass]) -> list[str]:
    result: list[str] = []
    hints = inspect.get_annotations(pass_type, eval_str=True) if hasattr(pass_type, "__annotations__") else {}
    for f in dataclasses.fields(pass_type):
        if f.name == "name" or not f.init:
            continue
        type_ = hints.get(f.name, f.type)
        type_text = getattr(type_, "__name__", None) or str(type_)
        type_text = type_text.replace("typing.", "")
        default = f.default if f.default is not dataclasses.MISSING else None
        shown = str(default).lower() if isinstance(default, bool) else repr(default)
        result.append(f"{f.name.replace('_', '-')}: {type_text} = {shown}")
    return result


def list_passes() -> str:
    lines: list[str] = []
    registry = passes_by_name()
    for name in sorted(registry):
        pass_type = registry[name]
        lines.append(name)
        lines.append(f"    {summary(pass_type)}")
        opts = options(pass_type)
        if opts:
            lines.append(f"    options: {'; '.join(opts)}")
        if issubclass(pass_type, NamedPipeline):
            steps = pass_type().steps()
            lines.append(f"    runs: {', '.join(steps)}")
    return "\n".join(lines) + "\n"
