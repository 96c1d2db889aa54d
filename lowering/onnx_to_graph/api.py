"""The entry points: load a model, import it, and list inputs it needs at import time.

    model = load_model("model.onnx")                      # path, bytes or ModelProto
    module = import_onnx(model, {"x": (1, 3, 224, 224)})  # a verified ModuleOp
    static_graph_inputs(model)                            # e.g. ["shape"] for Reshape(x, shape)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import onnx
from google.protobuf.message import DecodeError
from xdsl.dialects.builtin import ModuleOp

from nnopt.lowering.onnx_to_graph.importer import GraphImporter
from nnopt.lowering.onnx_to_graph.registry import CONVERTERS
from nnopt.support.diagnostics import CompileError, SourceLocation
from nnopt.support.verification import verify_module

ModelSource = str | os.PathLike[str] | bytes | onnx.ModelProto


def source_name(model: ModelSource) -> str:
    if isinstance(model, onnx.ModelProto):
        return f"<onnx model '{model.graph.name}'>" if model.graph.name else "<onnx model>"
    if isinstance(model, bytes):
        return "<onnx bytes>"
    return os.fspath(model)


def load_model(model: ModelSource) -> onnx.ModelProto:
    """The ModelProto of a path, serialized bytes or a ModelProto (returned as is)."""
    if isinstance(model, onnx.ModelProto):
        return model
    where = SourceLocation(source_name(model))
    try:
        if isinstance(model, bytes):
            return onnx.load_from_string(model)
        return onnx.load(os.fspath(model))
    except OSError as error:
        raise CompileError(f"cannot read the model: {error.strerror or error}", location=where) from None
    except (DecodeError, ValueError, RuntimeError) as error:
        raise CompileError(f"not a valid ONNX model: {error}", location=where) from None


def import_onnx(
    model: ModelSource, input_shapes: Mapping[str, Sequence[int]] | None = None
) -> ModuleOp:
    """The graph-level module of an ONNX model (a path, bytes or a ModelProto).

    `input_shapes` gives static shapes to graph inputs whose shape is dynamic
    (or missing) in the model. Raises CompileError for anything not supported.
    """
    proto = load_model(model)
    module = GraphImporter(proto, input_shapes, source_name(model)).run()
    verify_module(module)
    return module


def static_graph_inputs(model: ModelSource) -> list[str]:
    """Graph inputs that feed an operand needed at import time (Reshape's shape, ...).

    Such a model imports only once these inputs are made initializers.
    """
    proto = load_model(model)
    initialized = {i.name for i in proto.graph.initializer}
    graph_inputs = {i.name for i in proto.graph.input} - initialized
    needed: list[str] = []
    for node in proto.graph.node:
        converter = CONVERTERS.get(node.op_type)
        if converter is None:
            continue
        for index in converter.static_inputs:
            name = node.input[index] if index < len(node.input) else ""
            if name in graph_inputs and name not in needed:
                needed.append(name)
    return needed
