"""What the reference executor reports: unsupported ops and undefined behaviour.

Both are CompileErrors, so they print like every other diagnostic, at the op:

    model.mlir:7:5: error: 'affine.load' op reads index 8 of dimension 0 of memref<8xf32> (out of bounds)
    model.mlir:3:3: error: 'graph.conv2d' op has no reference implementation ...
"""

from __future__ import annotations

from nnopt.support.diagnostics import CompileError


class ExecutionError(CompileError):
    """The reference executor could not run the program to its end."""


class UnsupportedOpError(ExecutionError):
    """The reference executor has no semantics for this op."""


class UndefinedBehaviourError(ExecutionError):
    """The program did something whose result is undefined (out-of-bounds access,
    reading memory nothing wrote, use after free, division by zero, ...)."""
