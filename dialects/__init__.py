"""The dialect registry: every dialect nn-opt understands, and a Context holding them.

    ctx = make_context()            # builtin, func, arith, math, memref, scf,
                                    # tensor, linalg, affine, vector, graph
    ctx = make_context(extra=[MyDialect])   # plus out-of-tree dialects

Upstream dialects come from xDSL unchanged, except `affine` and `vector`, which
come from our own modules so that we can fix and extend them in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.bufferization import Bufferization
from xdsl.dialects.builtin import Builtin
from xdsl.dialects.func import Func
from xdsl.dialects.linalg import Linalg
from xdsl.dialects.math import Math
from xdsl.dialects.memref import MemRef
from xdsl.dialects.scf import Scf
from xdsl.dialects.tensor import Tensor
from xdsl.ir import Dialect

from nnopt.dialects.affine import Affine
from nnopt.dialects.graph import Graph
from nnopt.dialects.kernel import Kernel
from nnopt.dialects.vector import Vector


def builtin_dialects() -> list[Dialect]:
    """The dialects that ship with nn-opt, in registration order."""
    return [
        Builtin,
        Func,
        Arith,
        Math,
        MemRef,
        Scf,
        Tensor,
        Bufferization,
        Linalg,
        Affine,
        Vector,
        Graph,
        Kernel,
    ]


def make_context(extra: Iterable[Dialect] = ()) -> Context:
    """A fresh Context with our dialects and `extra` ones loaded."""
    ctx = Context()
    for dialect in [*builtin_dialects(), *extra]:
        ctx.load_dialect(dialect)
    return ctx


__all__ = ["builtin_dialects", "make_context"]
