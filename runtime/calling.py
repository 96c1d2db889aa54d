"""The numpy calling convention of generated functions, and in-process calls.

A generated C function takes one pointer per memref argument and one value per
scalar argument, and returns 0 on success (1: an allocation failed):

    sig = Signature("dense_relu", (
        Param("x", np.float32, (4, 8)),
        Param("out", np.float32, (4, 16), writes=True),
    ))
    kernel = NativeKernel(library_path, sig)
    kernel([x, out])                  # checks dtype, shape, layout, aliasing

Every check failure raises ArgumentError naming the argument.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


class ArgumentError(TypeError):
    """An argument does not match the compiled function's signature.

    Printed as a diagnostic at the function's source location when it is known:
    `model.mlir:3:1: error: argument 'x' must have dtype float32, got float64`.
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: error: {self.message}" if self.location else self.message


class KernelError(RuntimeError):
    """The generated code reported a failure (for example, out of memory)."""


@dataclass(frozen=True)
class Param:
    name: str
    dtype: np.dtype
    shape: tuple[int, ...] | None
    """None for a scalar passed by value."""
    writes: bool = False
    """Whether the function writes this buffer."""

    @property
    def is_buffer(self) -> bool:
        return self.shape is not None

    def describe(self) -> str:
        if self.shape is None:
            return f"{self.dtype} scalar"
        return f"{self.dtype} array of shape {self.shape}"


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[Param, ...]
    scalar_results: tuple[np.dtype, ...] = ()
    location: str | None = None
    """Where the function is defined (file:line:col), for error messages."""

    def error(self, message: str) -> ArgumentError:
        return ArgumentError(message, self.location)


_CTYPES = {
    np.dtype(np.float32): ctypes.c_float,
    np.dtype(np.float64): ctypes.c_double,
    np.dtype(np.int8): ctypes.c_int8,
    np.dtype(np.int16): ctypes.c_int16,
    np.dtype(np.int32): ctypes.c_int32,
    np.dtype(np.int64): ctypes.c_int64,
    np.dtype(np.bool_): ctypes.c_bool,
    np.dtype(np.intp): ctypes.c_ssize_t,
}


def check_arguments(signature: Signature, args: Sequence[object]) -> list[object]:
    """Validate `args` against `signature`; returns them as numpy arrays/scalars."""
    if len(args) != len(signature.params):
        names = ", ".join(p.name for p in signature.params)
        raise signature.error(
            f"{signature.name}() takes {len(signature.params)} arguments ({names}), "
            f"got {len(args)}"
        )
    checked: list[object] = []
    for param, arg in zip(signature.params, args, strict=True):
        if not param.is_buffer:
            if isinstance(arg, np.ndarray) and arg.ndim > 0:
                raise signature.error(f"argument '{param.name}' must be a scalar, got an array")
            checked.append(param.dtype.type(arg))  # type: ignore[call-overload]
            continue
        if not isinstance(arg, np.ndarray):
            raise signature.error(
                f"argument '{param.name}' must be a numpy {param.describe()}, got {type(arg).__name__}"
            )
        if arg.dtype != param.dtype:
            raise signature.error(
                f"argument '{param.name}' must have dtype {param.dtype}, got {arg.dtype}"
            )
        if arg.shape != param.shape:
            raise signature.error(
                f"argument '{param.name}' must have shape {param.shape}, got {arg.shape}"
            )
        if not arg.flags.c_contiguous:
            raise signature.error(
                f"argument '{param.name}' must be C-contiguous (use np.ascontiguousarray)"
            )
        if param.writes and not arg.flags.writeable:
            raise signature.error(f"argument '{param.name}' is written but the array is read-only")
        checked.append(arg)
    _check_aliasing(signature, checked)
    return checked


def _check_aliasing(signature: Signature, args: Sequence[object]) -> None:
    """Generated code assumes a written buffer overlaps no other argument."""
    buffers = [(p, a) for p, a in zip(signature.params, args, strict=True) if p.is_buffer]
    for i, (param, array) in enumerate(buffers):
        if not param.writes:
            continue
        for j, (other, other_array) in enumerate(buffers):
            if i != j and np.may_share_memory(array, other_array):  # type: ignore[arg-type]
                raise signature.error(
                    f"argument '{param.name}' is written and overlaps argument '{other.name}'"
                )


class NativeKernel:
    """A generated function loaded into this process with ctypes."""

    def __init__(self, library: ctypes.CDLL, signature: Signature) -> None:
        self.signature = signature
        try:
            self.function = getattr(library, signature.name)
        except AttributeError:
            raise ArgumentError(f"the compiled library has no function '{signature.name}'") from None
        self.function.restype = ctypes.c_int
        argtypes: list[object] = []
        for param in signature.params:
            argtypes.append(ctypes.c_void_p if param.is_buffer else _CTYPES[param.dtype])
        self.result_storage: list[Any] = [_CTYPES[np.dtype(t)]() for t in signature.scalar_results]
        argtypes.extend(ctypes.POINTER(type(s)) for s in self.result_storage)
        self.function.argtypes = argtypes

    def __call__(self, args: Sequence[object]) -> list[object]:
        checked = check_arguments(self.signature, args)
        raw: list[object] = []
        for param, arg in zip(self.signature.params, checked, strict=True):
            if param.is_buffer:
                assert isinstance(arg, np.ndarray)
                raw.append(arg.ctypes.data if arg.size else None)
            else:
                raw.append(arg)
        raw.extend(ctypes.byref(s) for s in self.result_storage)
        status = self.function(*raw)
        if status != 0:
            raise KernelError(f"{self.signature.name} failed: could not allocate its buffers")
        return [s.value for s in self.result_storage]


def load_library(path: Path) -> ctypes.CDLL:
    return ctypes.CDLL(str(path))
