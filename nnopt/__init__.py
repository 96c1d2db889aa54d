"""nn-opt: a multi-level compiler for neural-network kernels, on xDSL.

    import nnopt
    exe = nnopt.compile(open("examples/mlp.mlir").read())
    y = exe(x, w, b)
    exe = nnopt.compile(nnopt.import_onnx("model.onnx"))

Levels: graph -> linalg on tensors -> memrefs -> affine loops -> C.
"""

from nnopt.compiler import compile
from nnopt.executable import CompiledFunction, Executable
from nnopt.onnx_import import import_onnx
from nnopt.runtime.calling import ArgumentError, KernelError
from nnopt.support.diagnostics import CompileError

__all__ = [
    "ArgumentError",
    "CompileError",
    "CompiledFunction",
    "Executable",
    "KernelError",
    "compile",
    "import_onnx",
]
