"""Front ends of the public API: other languages -> nn-opt IR.

    module = nnopt.tc('''
    def mm(A: f32[4,8], B: f32[8,16]) -> C {
      C[i,j] += A[i,k] * B[k,j]
    }''')
    exe = nnopt.compile(module)

    module = nnopt.import_onnx("model.onnx", input_shapes={"x": (1, 3, 224, 224)})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xdsl.dialects.builtin import ModuleOp

from nnopt.lowering.tc import import_tc
from nnopt.support.diagnostics import CompileError


def tc(text: str, file_name: str = "<tc>") -> ModuleOp:
    """Tensor comprehension source -> a module of linalg-on-tensors functions.

    See docs/tc.md for the language. Errors are CompileErrors located at
    `file_name:line:column`.
    """
    return import_tc(text, file_name)


def import_onnx(
    path_or_model: Any, input_shapes: Mapping[str, Sequence[int]] | None = None
) -> ModuleOp:
    """An ONNX model (a path, serialized bytes or a ModelProto) -> graph-level IR.

    `input_shapes` fixes the shapes of graph inputs that are dynamic in the model.
    Anything the importer does not support is a CompileError naming the node.
    The importer (`nnopt.lowering.onnx_to_graph`) needs the `onnx` package, the
    `nn-opt[onnx]` extra; it is imported on first use, so `import nnopt` works
    without it.
    """
    try:
        from nnopt.lowering.onnx_to_graph import import_onnx as import_model
    except ImportError as error:
        if error.name is None or error.name.split(".")[0] not in ("onnx", "google"):
            raise
        raise CompileError("ONNX import needs the onnx package: pip install 'nn-opt[onnx]'") from None
    return import_model(path_or_model, input_shapes)


__all__ = ["import_onnx", "tc"]
