"""The C emitter's table: op class -> function that writes its C.

    @emits(arith.AddfOp, arith.AddiOp)
    def _add(e: CEmitter, op: Operation) -> None:
        e.define(op.results[0], f"{e.expr(op.operands[0])} + {e.expr(op.operands[1])}")

Out-of-tree dialects register their own handlers the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xdsl.ir import Attribute, Operation

if TYPE_CHECKING:
    from nnopt.lowering.c_emitter.emitter import CEmitter

OpHandler = Callable[["CEmitter", Any], None]
TypeHandler = Callable[["CEmitter", Any], str]


@dataclass
class HandlerTable:
    ops: dict[type[Operation], OpHandler] = field(default_factory=dict)
    vector_ops: dict[type[Operation], OpHandler] = field(default_factory=dict)
    """Handlers of arith/math ops whose operands or results are vectors."""
    type_names: dict[type[Attribute], TypeHandler] = field(default_factory=dict)


HANDLERS = HandlerTable()


def emits(*op_types: type[Operation]) -> Callable[[OpHandler], OpHandler]:
    """Register the decorated function as the C emitter of `op_types`."""

    def register(handler: OpHandler) -> OpHandler:
        for op_type in op_types:
            HANDLERS.ops[op_type] = handler
        return handler

    return register


def emits_vector(*op_types: type[Operation]) -> Callable[[OpHandler], OpHandler]:
    """Register the decorated function as the C emitter of vector-typed `op_types`."""

    def register(handler: OpHandler) -> OpHandler:
        for op_type in op_types:
            HANDLERS.vector_ops[op_type] = handler
        return handler

    return register


def names_type(*attr_types: type[Attribute]) -> Callable[[TypeHandler], TypeHandler]:
    """Register the decorated function as the C spelling of `attr_types`."""

    def register(handler: TypeHandler) -> TypeHandler:
        for attr_type in attr_types:
            HANDLERS.type_names[attr_type] = handler
        return handler

    return register
