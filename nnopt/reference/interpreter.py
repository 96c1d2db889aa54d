"""The reference executor's core: a table from op to semantics, and a small walker.

Each op kind has a *compiler* registered in `HANDLERS` (see ops_*.py): called
once per op, it returns a *step*, a closure that executes the op on an
environment mapping SSA values to runtime values:

    @implements(arith.AddfOp)
    def _addf(interp: Interpreter, op: arith.AddfOp) -> Step:
        lhs, rhs, result = op.lhs, op.rhs, op.result
        def step(env: Env) -> None:
            env[result] = env[lhs] + env[rhs]
        return step

Blocks are compiled once into a tuple of steps, so a loop body costs one closure
call per op and iteration. Terminators (`*.yield`, `func.return`,
`scf.condition`) are not steps: a compiled block returns their operands' values.
An error raised by a step is reported at the op it came from.

Ops outside xDSL (defined by our dialects or plugins) may be registered by name
with `implements_name("vector.splat")`; graph ops run the numpy table of
`nnopt.passes.graph.semantics` (see `graph_ops.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, MemRefType, ModuleOp, UnitAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.traits import IsTerminator

from nnopt.reference.errors import ExecutionError, UnsupportedOpError
from nnopt.reference.values import Allocation, Buffer, dense_array, layout_of, numpy_dtype
from nnopt.support.diagnostics import CompileError

Env = dict[Any, Any]
Step = Callable[[Env], None]
OpCompiler = Callable[["Interpreter", Any], Step]

MAX_CALL_DEPTH = 200


@dataclass
class OpTable:
    by_type: dict[type[Operation], OpCompiler] = field(default_factory=dict)
    by_name: dict[str, OpCompiler] = field(default_factory=dict)

    def lookup(self, op: Operation) -> OpCompiler | None:
        for cls in type(op).__mro__:
            handler = self.by_type.get(cls)  # type: ignore[arg-type]
            if handler is not None:
                return handler
        return self.by_name.get(op.name)


HANDLERS = OpTable()


def implements(*op_types: type[Operation]) -> Callable[[OpCompiler], OpCompiler]:
    """Register the decorated function as the semantics of `op_types`."""

    def register(handler: OpCompiler) -> OpCompiler:
        for op_type in op_types:
            HANDLERS.by_type[op_type] = handler
        return handler

    return register


def implements_name(*names: str) -> Callable[[OpCompiler], OpCompiler]:
    """Register the decorated function as the semantics of the ops called `names`."""

    def register(handler: OpCompiler) -> OpCompiler:
        for name in names:
            HANDLERS.by_name[name] = handler
        return handler

    return register


@dataclass(frozen=True)
class CompiledBlock:
    ops: tuple[Operation, ...]
    steps: tuple[Step, ...]
    results: tuple[SSAValue, ...]
    """The operands of the block's terminator."""

    def run(self, env: Env) -> list[Any]:
        index = 0
        try:
            for index, step in enumerate(self.steps):  # noqa: B007
                step(env)
        except ExecutionError as error:
            if error.op is None and error.location is None:
                raise type(error)(error.message, self.ops[index]) from None
            raise
        except CompileError:
            raise
        except RecursionError:
            raise
        except Exception as error:
            raise ExecutionError(
                f"failed in the reference executor: {type(error).__name__}: {error}",
                self.ops[index],
            ) from error
        return [env[v] for v in self.results]


def lookup_handler(op: Operation) -> OpCompiler:
    handler = HANDLERS.lookup(op)
    if handler is not None:
        return handler
    if op.dialect_name() == "graph":
        from nnopt.reference.graph_ops import graph_op_compiler

        return graph_op_compiler(op)
    raise UnsupportedOpError("is not supported by the reference executor", op)


class Interpreter:
    """Runs the functions of one module."""

    def __init__(self, module: ModuleOp) -> None:
        self.module = module
        self.functions: dict[str, func.FuncOp] = {}
        self.global_ops: dict[str, memref.GlobalOp] = {}
        for op in module.body.block.ops:
            if isinstance(op, func.FuncOp):
                self.functions[op.sym_name.data] = op
            elif isinstance(op, memref.GlobalOp):
                self.global_ops[op.sym_name.data] = op
        self.globals: dict[str, Buffer] = {}
        self._blocks: dict[Block, CompiledBlock] = {}
        self.depth = 0

    # -- compiling -----------------------------------------------------------------

    def block(self, block: Block) -> CompiledBlock:
        compiled = self._blocks.get(block)
        if compiled is None:
            ops: list[Operation] = []
            steps: list[Step] = []
            results: tuple[SSAValue, ...] = ()
            for op in block.ops:
                if op.has_trait(IsTerminator) and op.next_op is None:
                    results = tuple(op.operands)
                    continue
                try:
                    steps.append(lookup_handler(op)(self, op))
                except ExecutionError as error:
                    if error.op is None and error.location is None:
                        raise type(error)(error.message, op) from None
                    raise
                except (CompileError, RecursionError):
                    raise
                except Exception as error:
                    raise ExecutionError(
                        f"cannot be prepared by the reference executor: {type(error).__name__}: {error}", op
                    ) from error
                ops.append(op)
            compiled = CompiledBlock(tuple(ops), tuple(steps), results)
            self._blocks[block] = compiled
        return compiled

    def region(self, region: Region) -> CompiledBlock | None:
        """The compiled single block of `region` (None for an empty region)."""
        if not region.blocks:
            return None
        if len(region.blocks) != 1:
            raise UnsupportedOpError("has a region with several blocks; only structured control flow is supported")
        return self.block(region.block)

    # -- running -------------------------------------------------------------------

    def call(self, name: str, args: Sequence[Any], caller: Operation | None = None) -> list[Any]:
        function = self.functions.get(name)
        if function is None:
            raise ExecutionError(f"calls @{name}, which the module does not define", caller)
        if function.is_declaration:
            raise UnsupportedOpError(f"calls @{name}, which is only declared (no body to run)", caller)
        if len(function.body.blocks) != 1:
            raise UnsupportedOpError("has several blocks; only structured control flow is supported", function)
        block = function.body.block
        if len(args) != len(block.args):
            raise ExecutionError(f"@{name} takes {len(block.args)} arguments, got {len(args)}", caller)
        self.depth += 1
        try:
            if self.depth > MAX_CALL_DEPTH:
                raise ExecutionError(f"calls nest more than {MAX_CALL_DEPTH} deep (unbounded recursion?)", caller)
            env: Env = dict(zip(block.args, args, strict=True))
            return self.block(block).run(env)
        finally:
            self.depth -= 1

    def global_buffer(self, name: str, user: Operation) -> Buffer:
        buffer = self.globals.get(name)
        if buffer is not None:
            return buffer
        op = self.global_ops.get(name)
        if op is None:
            raise ExecutionError(f"uses the global @{name}, which the module does not define", user)
        type_ = op.type
        assert isinstance(type_, MemRefType)
        dtype = numpy_dtype(type_.get_element_type())
        layout = layout_of(type_)
        if layout is None:
            raise UnsupportedOpError("has a dynamic layout", op)
        strides, offset = layout
        shape = type_.get_shape()
        extent = offset + 1 + sum((d - 1) * s for d, s in zip(shape, strides, strict=True)) if all(shape) else 0
        description = f"global @{name}"
        value = op.initial_value
        if isinstance(value, DenseIntOrFPElementsAttr):
            data = np.zeros(max(extent, 1), dtype=dtype)
            placed = Buffer(Allocation(data, description), offset, tuple(shape), tuple(strides))
            placed.scatter(placed.all_indices(), dense_array(value.get_values(), shape, dtype).reshape(-1))
            alloc = Allocation(data, description, writable=not isinstance(op.constant, UnitAttr))
        else:
            alloc = Allocation.uninitialized(dtype, max(extent, 1), description)
        buffer = Buffer(alloc, offset, tuple(shape), tuple(strides))
        self.globals[name] = buffer
        return buffer
