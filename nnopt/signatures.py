"""Calling signatures of compiled functions, read off the IR that is emitted as C.

    sig, n_outputs = signature_of(func_op)

Memref arguments become buffer parameters (written or not, from the function's
stores), scalars are passed by value. `bufferize` marks how many trailing
arguments are outputs (`nnopt.outputs`); those are allocated by the Executable
and returned, so a graph-level function is called with inputs only.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    IntegerAttr,
    MemRefType,
    NoneAttr,
)
from xdsl.ir import Attribute

from nnopt.lowering.bufferize import OUTPUTS_ATTR
from nnopt.passes.memory_access import written_roots
from nnopt.runtime.calling import Param, Signature
from nnopt.support.diagnostics import CompileError, location_of
from nnopt.support.numpy_types import scalar_dtype


def numpy_dtype(type_: Attribute) -> np.dtype:
    dtype = scalar_dtype(type_)
    if dtype is None:
        raise CompileError(f"type {type_} cannot be passed from numpy")
    return dtype


def signature_of(function: func.FuncOp) -> tuple[Signature, int]:
    """The function's Signature and how many trailing parameters are outputs."""
    written = written_roots(function)
    params: list[Param] = []
    for i, arg in enumerate(function.body.block.args):
        name = arg.name_hint or f"arg{i}"
        if isinstance(arg.type, MemRefType):
            if not isinstance(arg.type.layout, NoneAttr):
                raise CompileError(
                    f"argument #{i} ('{name}') has the layout {arg.type.layout}; compiled functions "
                    "take C-contiguous arrays of their argument's shape (pass the whole buffer and "
                    "take a memref.subview inside)",
                    function,
                )
            params.append(
                Param(name, numpy_dtype(arg.type.element_type), arg.type.get_shape(), arg in written)
            )
        else:
            params.append(Param(name, numpy_dtype(arg.type), None))
    results = tuple(numpy_dtype(t) for t in function.function_type.outputs.data)
    outputs_attr = function.attributes.get(OUTPUTS_ATTR)
    n_outputs = outputs_attr.value.data if isinstance(outputs_attr, IntegerAttr) else 0
    location = location_of(function)
    signature = Signature(
        function.sym_name.data, tuple(params), results, str(location) if location else None
    )
    return signature, n_outputs
