"""What this process knows: our dialects and passes plus loaded plugins.

    ctx = make_context()       # every registered dialect loaded
    register_dialect(MyDialect); register_pass(MyPass)
"""

from __future__ import annotations

from xdsl.context import Context
from xdsl.ir import Dialect

from nnopt import dialects
from nnopt.lowering.pass_registry import passes_by_name, register_pass

EXTRA_DIALECTS: list[Dialect] = []


def register_dialect(dialect: Dialect) -> Dialect:
    if all(d.name != dialect.name for d in EXTRA_DIALECTS):
        EXTRA_DIALECTS.append(dialect)
    return dialect


def make_context() -> Context:
    return dialects.make_context(EXTRA_DIALECTS)


__all__ = ["make_context", "passes_by_name", "register_dialect", "register_pass"]
