"""Executable: compiled functions callable on numpy arrays.

    exe = nnopt.compile(graph_ir)
    y = exe(x, w, b)                 # the only public function; returns new arrays
    exe.dense_relu(x, w, b)          # or by name
    exe.source                       # the C that was built

A function compiled from the graph or tensor level returns new arrays (its
outputs are allocated here); one written at the memref level reads and writes
the arrays it is given, in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from nnopt.runtime.calling import ArgumentError, Signature
from nnopt.runtime.targets import Target

Kernel = Callable[[Sequence[object]], list[object]]


@dataclass
class CompiledFunction:
    signature: Signature
    n_outputs: int
    kernel: Kernel

    @property
    def name(self) -> str:
        return self.signature.name

    @property
    def input_params(self):  # type: ignore[no-untyped-def]
        end = len(self.signature.params) - self.n_outputs
        return self.signature.params[:end]

    def __call__(self, *args: object, out: np.ndarray | Sequence[np.ndarray] | None = None) -> object:
        """Call on numpy arrays; graph-level functions return their outputs.

        `out` (an array, or a sequence for several outputs) receives the outputs
        instead of new arrays; it is checked like any argument.
        """
        if self.n_outputs == 0:
            if out is not None:
                raise self.signature.error(f"{self.name}() writes its arguments in place; it takes no out=")
            scalars = self.kernel(args)
            if not scalars:
                return None
            return scalars[0] if len(scalars) == 1 else tuple(scalars)
        inputs = self.input_params
        if len(args) != len(inputs):
            names = ", ".join(p.name for p in inputs)
            raise self.signature.error(f"{self.name}() takes {len(inputs)} arguments ({names}), got {len(args)}")
        if out is None:
            outputs = [
                np.empty(p.shape, dtype=p.dtype)  # type: ignore[arg-type]
                for p in self.signature.params[len(inputs) :]
            ]
        else:
            outputs = [out] if isinstance(out, np.ndarray) else list(out)
            if len(outputs) != self.n_outputs:
                raise self.signature.error(f"{self.name}() has {self.n_outputs} outputs, out= gives {len(outputs)}")
        self.kernel([*args, *outputs])
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


@dataclass
class Executable:
    functions: dict[str, CompiledFunction]
    source: str
    """The generated C."""
    module: ModuleOp
    """The IR the C was emitted from."""
    target: Target
    artifact: Path
    """The built shared object (or executable for cross targets)."""

    def __getattr__(self, name: str) -> CompiledFunction:
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"no compiled function '{name}' (have: {', '.join(functions)})")

    def __getitem__(self, name: str) -> CompiledFunction:
        return self.__getattr__(name)

    def __call__(self, *args: object, out: np.ndarray | Sequence[np.ndarray] | None = None) -> object:
        if len(self.functions) != 1:
            raise ArgumentError(
                "the module has several functions; call one by name: "
                + ", ".join(self.functions)
            )
        return next(iter(self.functions.values()))(*args, out=out)
