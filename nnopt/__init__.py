"""nn-opt: a multi-level compiler for neural-network kernels, on xDSL.

    import nnopt
    exe = nnopt.compile(open("examples/mlp.mlir").read())
    y = exe(x, w, b)
    module = nnopt.tc("def mm(A: f32[4,8], B: f32[8,16]) -> C { C[i,j] += A[i,k] * B[k,j] }")
    exe = nnopt.compile(nnopt.import_onnx("model.onnx"))

Levels: graph -> linalg on tensors -> memrefs -> affine loops -> C.
`nnopt.reference.run(ir, "f", *arrays)` runs IR without C, as a test oracle.
"""

from nnopt import reference
from nnopt.compiler import compile
from nnopt.executable import CompiledFunction, Executable
from nnopt.frontends import import_onnx, tc
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
    "reference",
    "tc",
]
