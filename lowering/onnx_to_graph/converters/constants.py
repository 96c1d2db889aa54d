"""Constant and Identity: values known at import time, and aliases.

    Constant {value = tensor}     -> a static value (a graph.constant where a float operand
                                     needs it; read directly where a shape or axes need it)
    Constant {value_float(s), value_int(s)} -> the same, from a scalar or a list
    Identity(x)                   -> x
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnopt.lowering.onnx_to_graph.node_context import NodeContext, Tensor
from nnopt.lowering.onnx_to_graph.registry import converts
from nnopt.lowering.onnx_to_graph.tensors import to_numpy

CONSTANT_ATTRIBUTES = {
    "value": None,
    "value_float": np.float32,
    "value_floats": np.float32,
    "value_int": np.int64,
    "value_ints": np.int64,
}


@converts(
    "Constant",
    versions=(9, 11, 12, 13, 19, 21, 23, 24, 25),
    attributes=(*CONSTANT_ATTRIBUTES, "sparse_value", "value_string", "value_strings"),
)
def _constant(ctx: NodeContext) -> Sequence[Tensor | None]:
    given = [a.name for a in ctx.node.attribute]
    if len(given) != 1:
        raise ctx.error(f"needs exactly one value attribute, got {given or 'none'}")
    name = given[0]
    if name not in CONSTANT_ATTRIBUTES:
        raise ctx.error(f"attribute '{name}' is not supported (only dense numeric values)")
    value = ctx.attr(name)
    if name == "value":
        return [to_numpy(value)]
    return [np.array(value, dtype=CONSTANT_ATTRIBUTES[name])]


@converts("Identity", versions=(1, 13, 14, 16, 19, 21, 23, 24, 25))
def _identity(ctx: NodeContext) -> Sequence[Tensor | None]:
    return [ctx.tensor(0, "input")]
