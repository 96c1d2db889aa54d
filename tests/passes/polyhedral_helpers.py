"""Building SCoPs from IR text in tests."""

from __future__ import annotations

import islpy as isl
from xdsl.dialects import func

from nnopt.passes.polyhedral.dependences import Dependences, compute_dependences
from nnopt.passes.polyhedral.extraction import build_scop, scop_regions
from nnopt.passes.polyhedral.isl_support import new_isl_context
from nnopt.passes.polyhedral.scop import Scop
from nnopt.registry import make_context
from nnopt.support.parsing import parse_module


def scops_of(text: str, ctx: isl.Context | None = None) -> list[Scop]:
    """Every SCoP of every function in `text`."""
    module = parse_module(make_context(), text, "test.mlir")
    isl_ctx = ctx or new_isl_context()
    scops: list[Scop] = []
    for op in module.walk():
        if isinstance(op, func.FuncOp) and not op.is_declaration:
            scops.extend(build_scop(isl_ctx, region) for region in scop_regions(op.body.block))
    return scops


def scop_and_deps(text: str, relax: bool = True) -> tuple[Scop, Dependences]:
    [scop] = scops_of(text)
    return scop, compute_dependences(scop, relax)
