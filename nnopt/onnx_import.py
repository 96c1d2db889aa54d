"""nnopt.import_onnx: an ONNX model -> graph-level IR (needs the `onnx` extra).

    module = nnopt.import_onnx("model.onnx", input_shapes={"x": (1, 3, 224, 224)})
    exe = nnopt.compile(module)
    y = exe(x)

The importer lives in `nnopt.lowering.onnx_to_graph`; this wrapper imports it on
first use, so `import nnopt` works without the onnx package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nnopt.support.diagnostics import CompileError

if TYPE_CHECKING:
    from xdsl.dialects.builtin import ModuleOp


def import_onnx(
    path_or_model: Any, input_shapes: Mapping[str, Sequence[int]] | None = None
) -> ModuleOp:
    """The graph-level module of an ONNX model: a path, serialized bytes or a ModelProto.

    `input_shapes` fixes the shapes of graph inputs that are dynamic in the model.
    Anything the importer does not support raises CompileError naming the node.
    """
    try:
        from nnopt.lowering.onnx_to_graph import import_onnx as import_model
    except ImportError as error:
        if error.name is None or not error.name.split(".")[0] in ("onnx", "google"):
            raise
        raise CompileError(
            "ONNX import needs the onnx package: pip install 'nn-opt[onnx]'"
        ) from None
    return import_model(path_or_model, input_shapes)
