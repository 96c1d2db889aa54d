"""Front ends of the public API: other languages -> nn-opt IR.

    module = nnopt.tc('''
    def mm(A: f32[4,8], B: f32[8,16]) -> C {
      C[i,j] += A[i,k] * B[k,j]
    }''')
    exe = nnopt.compile(module)
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from nnopt.lowering.tc import import_tc


def tc(text: str, file_name: str = "<tc>") -> ModuleOp:
    """Tensor comprehension source -> a module of linalg-on-tensors functions.

    See docs/tc.md for the language. Errors are CompileErrors located at
    `file_name:line:column`.
    """
    return import_tc(text, file_name)


__all__ = ["tc"]
