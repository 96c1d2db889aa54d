"""The table of ONNX op converters: op type -> function, handled versions, attributes.

A converter turns one ONNX node into graph ops through a NodeContext and returns
one value per node output: an SSAValue, a numpy array for a value known at
import time, or None for an output it does not produce:

    @converts("Relu", versions=(6, 13, 14))
    def _relu(ctx: NodeContext) -> list[Tensor | None]:
        return [ctx.emit(graph.ReluOp, [ctx.value(0, "X")])]

`versions` are the schema `since_version`s the converter implements: a model's
opset picks the version of each op (`onnx.defs.get_schema`), and a version not
in the list is reported rather than imported with the wrong meaning. Attributes
not in `attributes` are reported too. `static_inputs` are input positions whose
value must be known at import time (Reshape's shape, Pad's pads, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnopt.lowering.onnx_to_graph.node_context import NodeContext, Tensor

ConvertFn = Callable[["NodeContext"], Sequence["Tensor | None"]]


@dataclass(frozen=True)
class Converter:
    op_type: str
    versions: tuple[int, ...]
    attributes: frozenset[str]
    static_inputs: tuple[int, ...]
    convert: ConvertFn


CONVERTERS: dict[str, Converter] = {}


def converts(
    *op_types: str,
    versions: Sequence[int],
    attributes: Sequence[str] = (),
    static_inputs: Sequence[int] = (),
) -> Callable[[ConvertFn], ConvertFn]:
    """Register the decorated function as the converter of each of `op_types`."""

    def register(fn: ConvertFn) -> ConvertFn:
        for op_type in op_types:
            CONVERTERS[op_type] = Converter(
                op_type, tuple(versions), frozenset(attributes), tuple(static_inputs), fn
            )
        return fn

    return register
