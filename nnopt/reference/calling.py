"""Running a function of a module on numpy arrays, with nnopt.compile's calling convention.

    y = run(graph_ir, "mlp", x, w, b)          # graph/tensor level: returns new arrays
    run(memref_ir, "scale", a, b)              # memref level: writes b in place
    out = run(bufferized_ir, "mlp", x, w, b)   # `nnopt.outputs` trailing buffers are
                                               # allocated here and returned

Arguments are checked exactly as a compiled function checks them (dtype, shape,
contiguity, aliasing of written buffers), raising `nnopt.ArgumentError`.
Inputs the function does not write are read-only inside the reference
executor; an output element the function never writes is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import IndexType, MemRefType, ModuleOp, TensorType

from nnopt.reference.errors import ExecutionError
from nnopt.reference.interpreter import Interpreter
from nnopt.reference.values import Allocation, Buffer, numpy_dtype, scalar
from nnopt.registry import make_context
from nnopt.runtime.calling import Param, Signature, check_arguments
from nnopt.signatures import signature_of
from nnopt.support.diagnostics import location_of
from nnopt.support.parsing import parse_module
from nnopt.support.verification import verify_module


def load_module(ir: str | ModuleOp, file_name: str = "<reference>") -> ModuleOp:
    """A verified module from IR text, or the given module (verified, not copied)."""
    module = parse_module(make_context(), ir, file_name) if isinstance(ir, str) else ir
    verify_module(module)
    return module


def _is_tensor_function(function: func.FuncOp) -> bool:
    types = [*function.function_type.inputs.data, *function.function_type.outputs.data]
    return any(isinstance(t, TensorType) for t in types)


def tensor_signature(function: func.FuncOp) -> Signature:
    params: list[Param] = []
    for i, arg in enumerate(function.body.block.args):
        name = arg.name_hint or f"arg{i}"
        if isinstance(arg.type, TensorType):
            params.append(Param(name, numpy_dtype(arg.type.get_element_type()), tuple(arg.type.get_shape())))
        else:
            params.append(Param(name, numpy_dtype(arg.type), None))
    location = location_of(function)
    return Signature(function.sym_name.data, tuple(params), (), str(location) if location else None)


def _scalar_argument(value: Any, type_: Any) -> Any:
    return int(value) if isinstance(type_, IndexType) else scalar(value, type_)


def _returned(values: Sequence[Any]) -> Any:
    converted = [v.to_array() if isinstance(v, Buffer) else v for v in values]
    if not converted:
        return None
    return converted[0] if len(converted) == 1 else tuple(converted)


class ReferenceProgram:
    """The functions of one module, run by the reference executor.

        program = ReferenceProgram(module)
        y = program("mlp", x, w, b)
    """

    def __init__(self, module: ModuleOp) -> None:
        self.module = module
        self.interpreter = Interpreter(module)

    def function(self, name: str) -> func.FuncOp:
        function = self.interpreter.functions.get(name)
        if function is None or function.is_declaration:
            have = ", ".join(n for n, f in self.interpreter.functions.items() if not f.is_declaration)
            raise ExecutionError(f"the module has no function '{name}' (have: {have or 'none'})")
        return function

    def __call__(self, name: str, *args: Any) -> Any:
        function = self.function(name)
        self.interpreter.globals.clear()
        with np.errstate(all="ignore"):
            if _is_tensor_function(function):
                return self._call_tensor_function(function, args)
            return self._call_buffer_function(function, args)

    def _call_tensor_function(self, function: func.FuncOp, args: Sequence[Any]) -> Any:
        signature = tensor_signature(function)
        checked = check_arguments(signature, args)
        values: list[Any] = []
        for param, arg, block_arg in zip(signature.params, checked, function.body.block.args, strict=True):
            if isinstance(block_arg.type, TensorType):
                assert isinstance(arg, np.ndarray)
                values.append(Buffer.from_array(arg.copy(), f"argument '{param.name}'", writable=False))
            else:
                values.append(_scalar_argument(arg, block_arg.type))
        return _returned(self.interpreter.call(signature.name, values))

    def _call_buffer_function(self, function: func.FuncOp, args: Sequence[Any]) -> Any:
        signature, n_outputs = signature_of(function)
        block_args = function.body.block.args
        if n_outputs:
            inputs = signature.params[: len(signature.params) - n_outputs]
            if len(args) != len(inputs):
                names = ", ".join(p.name for p in inputs)
                raise signature.error(f"{signature.name}() takes {len(inputs)} arguments ({names}), got {len(args)}")
            outputs = [
                np.empty(p.shape, dtype=p.dtype)  # type: ignore[arg-type]
                for p in signature.params[len(inputs) :]
            ]
            args = [*args, *outputs]
        checked = check_arguments(signature, args)
        values: list[Any] = []
        output_buffers: list[Buffer] = []
        for index, (param, arg, block_arg) in enumerate(zip(signature.params, checked, block_args, strict=True)):
            if not isinstance(block_arg.type, MemRefType):
                values.append(_scalar_argument(arg, block_arg.type))
                continue
            assert isinstance(arg, np.ndarray)
            is_output = n_outputs and index >= len(signature.params) - n_outputs
            description = f"argument '{param.name}'"
            if is_output:
                alloc = Allocation(arg.reshape(-1), description, np.zeros(arg.size, dtype=bool))
            else:
                alloc = Allocation.of_array(arg, description, writable=param.writes)
            buffer = Buffer.contiguous(alloc, arg.shape)
            if is_output:
                output_buffers.append(buffer)
            values.append(buffer)
        scalars = self.interpreter.call(signature.name, values)
        if n_outputs:
            for param, buffer in zip(signature.params[len(signature.params) - n_outputs :], output_buffers, strict=True):
                if buffer.alloc.initialized is not None and not buffer.alloc.initialized.all():
                    raise ExecutionError(
                        f"returns output '{param.name}' with elements it never wrote", function
                    )
            return _returned([b.to_array() for b in output_buffers])
        return _returned(scalars)


def run(ir: str | ModuleOp, function: str, *args: Any) -> Any:
    """Run `function` of `ir` (text or module, any level) on numpy arrays."""
    return ReferenceProgram(load_module(ir))(function, *args)
