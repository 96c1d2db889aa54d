"""An ONNX graph -> one func.func of graph ops.

    module = GraphImporter(model, {"x": (1, 3, 224, 224)}, "model.onnx").run()

Graph inputs that are not initializers become the function's arguments (in
order, with static shapes from the model or `input_shapes`); initializers and
Constant nodes are values known at import time, which become `graph.constant`
where a float operand is needed and are read directly where a static value is
(Reshape's shape, Pad's pads, ...); each node is converted by its entry in the
converter table; the graph outputs become the function's results, in order.
Each op gets the location `loc("<node name>")`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import onnx
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    AnyFloat,
    FunctionType,
    ModuleOp,
    NameLoc,
    StringAttr,
    TensorType,
    UnknownLoc,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import DiagnosticException

from nnopt.dialects import graph
from nnopt.lowering.onnx_to_graph import converters as _converters  # noqa: F401  (fills the table)
from nnopt.lowering.onnx_to_graph.node_context import NodeContext, Tensor, describe_node
from nnopt.lowering.onnx_to_graph.registry import CONVERTERS, Converter
from nnopt.lowering.onnx_to_graph.tensors import (
    dense_attr,
    element_type_of,
    float_element_of,
    input_element_type_of,
    onnx_type_name,
    to_numpy,
)
from nnopt.support.diagnostics import CompileError, SourceLocation

ONNX_DOMAINS = ("", "ai.onnx")


def symbol_name(name: str, default: str) -> str:
    """`name` as a bare MLIR identifier (letters, digits, `_`)."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not cleaned:
        return default
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def onnx_opset(model: onnx.ModelProto) -> int:
    """The model's default-domain (ai.onnx) opset version, 0 when it imports none."""
    versions = [o.version for o in model.opset_import if o.domain in ONNX_DOMAINS]
    return max(versions, default=0)


def resolve_version(op_type: str, opset: int) -> int | None:
    """The `since_version` of `op_type` at `opset`, None if the op does not exist there."""
    try:
        return int(onnx.defs.get_schema(op_type, opset, "").since_version)
    except onnx.defs.SchemaError:
        return None


class GraphImporter:
    """Converts one ModelProto's main graph; `run()` returns the module."""

    def __init__(
        self,
        model: onnx.ModelProto,
        input_shapes: Mapping[str, Sequence[int]] | None,
        source_name: str,
    ) -> None:
        self.model = model
        self.graph = model.graph
        self.input_shapes = {k: tuple(int(d) for d in v) for k, v in (input_shapes or {}).items()}
        self.source_name = source_name
        self.block = Block()
        self.runtime: dict[str, SSAValue] = {}
        self.static: dict[str, np.ndarray] = {}
        self.materialized: dict[tuple[str, Attribute], SSAValue] = {}
        self.used: set[str] = {name for node in self.graph.node for name in node.input if name}
        self.used.update(output.name for output in self.graph.output)

    # -- diagnostics ---------------------------------------------------------------

    def error(self, message: str) -> CompileError:
        return CompileError(message, location=SourceLocation(self.source_name))

    # -- values --------------------------------------------------------------------

    def is_used(self, name: str) -> bool:
        return name in self.used

    def lookup(self, name: str, ctx: NodeContext | None = None) -> Tensor:
        if name in self.runtime:
            return self.runtime[name]
        if name in self.static:
            return self.static[name]
        where = f"{ctx.describe()}: " if ctx is not None else ""
        raise self.error(
            f"{where}'{name}' is not a graph input, an initializer or the output of an "
            "earlier node"
        )

    def materialize(
        self, name: str, ctx: NodeContext | None, element: AnyFloat | None = None
    ) -> SSAValue:
        """The float value named `name`; a static one becomes a graph.constant (once)."""
        tensor = self.lookup(name, ctx)
        if isinstance(tensor, SSAValue):
            return tensor
        target = element or float_element_of(tensor)
        if target is None:
            where = f"{ctx.describe()}: " if ctx is not None else ""
            raise self.error(
                f"{where}'{name}' is a {tensor.dtype} tensor; only float tensors are "
                "supported here"
            )
        key = (name, target)
        if key not in self.materialized:
            self.materialized[key] = self.constant(tensor, target, ctx)
        return self.materialized[key]

    def constant(self, array: np.ndarray, element: AnyFloat, ctx: NodeContext | None) -> SSAValue:
        return self.add_op(graph.ConstantOp(dense_attr(array, element)), ctx)

    def add_op(self, op: Operation, ctx: NodeContext | None) -> SSAValue:
        if ctx is not None:
            op.location = NameLoc(StringAttr(ctx.node.name or ctx.node.op_type), UnknownLoc())
        self.block.add_op(op)
        try:
            op.verify()
        except DiagnosticException as error:
            message = str(error.args[0] if error.args else error)
            message = message.removeprefix("Operation does not verify: ")
            raise (ctx.error(f"'{op.name}' {message}") if ctx else self.error(message)) from None
        return op.results[0]

    # -- inputs --------------------------------------------------------------------

    def input_type(self, value_info: onnx.ValueInfoProto) -> TensorType[Attribute]:
        name = value_info.name
        kind = value_info.type.WhichOneof("value")
        if kind != "tensor_type":
            raise self.error(f"graph input '{name}' is a {kind or 'untyped value'}, not a tensor")
        tensor_type = value_info.type.tensor_type
        element = element_type_of(tensor_type.elem_type) or input_element_type_of(
            tensor_type.elem_type
        )
        if element is None:
            raise self.error(
                f"graph input '{name}' has element type {onnx_type_name(tensor_type.elem_type)}; "
                "supported: float, double, float16, and bool, int8 ... int64 where an op "
                "converts them (masks, exponents)"
            )
        model_dims: list[int | str | None] = []
        if tensor_type.HasField("shape"):
            for dim in tensor_type.shape.dim:
                kind = dim.WhichOneof("value")
                model_dims.append(
                    dim.dim_value if kind == "dim_value" else dim.dim_param if kind else None
                )
        given = self.input_shapes.get(name)
        if given is not None:
            if tensor_type.HasField("shape") and len(given) != len(model_dims):
                raise self.error(
                    f"graph input '{name}' has rank {len(model_dims)} in the model, but the "
                    f"given shape {list(given)} has rank {len(given)}"
                )
            for axis, (size, model) in enumerate(zip(given, model_dims, strict=False)):
                if isinstance(model, int) and model != size:
                    raise self.error(
                        f"graph input '{name}' has size {model} in dimension {axis} in the "
                        f"model, but the given shape says {size}"
                    )
            if any(d < 0 for d in given):
                raise self.error(f"the shape given for '{name}' has a negative size {list(given)}")
            return TensorType(element, given)
        if not tensor_type.HasField("shape"):
            raise self.error(
                f"graph input '{name}' has no shape in the model; give it one "
                f"(nn-import --input-shape {name}=2x3x..., or input_shapes={{'{name}': (2, 3, ...)}})"
            )
        for axis, model in enumerate(model_dims):
            if not isinstance(model, int):
                what = f"'{model}'" if model else "unknown"
                raise self.error(
                    f"graph input '{name}' has a dynamic dimension {axis} ({what}); give it a "
                    f"static shape (nn-import --input-shape {name}=2x3x..., or "
                    f"input_shapes={{'{name}': (2, 3, ...)}})"
                )
        return TensorType(element, [int(d) for d in model_dims])  # type: ignore[arg-type]

    def add_inputs(self) -> None:
        for initializer in self.graph.initializer:
            self.static[initializer.name] = to_numpy(initializer)
        if self.graph.sparse_initializer:
            raise self.error("sparse initializers are not supported")
        arguments = [i for i in self.graph.input if i.name not in self.static]
        known = {i.name for i in arguments}
        unknown = sorted(set(self.input_shapes) - known)
        if unknown:
            raise self.error(
                f"a shape was given for {', '.join(repr(n) for n in unknown)}, which is not a "
                f"graph input (inputs: {', '.join(sorted(known)) or 'none'})"
            )
        for value_info in arguments:
            arg = self.block.insert_arg(self.input_type(value_info), len(self.block.args))
            arg.name_hint = symbol_name(value_info.name, "arg")
            self.runtime[value_info.name] = arg

    # -- nodes ---------------------------------------------------------------------

    def converter_for(self, node: onnx.NodeProto, index: int, opset: int) -> tuple[Converter, int]:
        what = describe_node(node, index)
        if node.domain not in ONNX_DOMAINS:
            raise self.error(f"{what}: ops of domain '{node.domain}' are not supported")
        converter = CONVERTERS.get(node.op_type)
        if converter is None:
            raise self.error(f"{what}: op type '{node.op_type}' is not supported")
        version = resolve_version(node.op_type, opset)
        if version is None:
            raise self.error(f"{what}: {node.op_type} does not exist in opset {opset}")
        if version not in converter.versions:
            handled = ", ".join(str(v) for v in converter.versions)
            raise self.error(
                f"{what}: {node.op_type}-{version} (the version in opset {opset}) is not "
                f"supported; supported versions: {handled}"
            )
        for attribute in node.attribute:
            if attribute.name not in converter.attributes:
                raise self.error(f"{what}: attribute '{attribute.name}' is not supported")
        return converter, version

    def convert_node(self, node: onnx.NodeProto, index: int, opset: int) -> None:
        converter, version = self.converter_for(node, index, opset)
        ctx = NodeContext(self, node, index, version)
        results = list(converter.convert(ctx))
        for i, name in enumerate(node.output):
            if not name:
                continue
            result = results[i] if i < len(results) else None
            if result is None:
                if self.is_used(name):
                    raise ctx.error(f"output #{i} ('{name}') is not supported")
                continue
            if isinstance(result, SSAValue):
                self.runtime[name] = result
            else:
                self.static[name] = result

    # -- outputs -------------------------------------------------------------------

    def check_output(self, value_info: onnx.ValueInfoProto, value: SSAValue) -> None:
        """The imported output must have the type the model declares (where it does)."""
        if value_info.type.WhichOneof("value") != "tensor_type":
            return
        declared = value_info.type.tensor_type
        assert isinstance(value.type, TensorType)
        element = element_type_of(declared.elem_type) or input_element_type_of(declared.elem_type)
        if declared.elem_type and element != value.type.element_type:
            raise self.error(
                f"graph output '{value_info.name}' is declared "
                f"{onnx_type_name(declared.elem_type)}, but is computed as {value.type.element_type}"
            )
        if not declared.HasField("shape"):
            return
        shape = value.type.get_shape()
        dims = declared.shape.dim
        mismatch = len(dims) != len(shape) or any(
            d.WhichOneof("value") == "dim_value" and d.dim_value != s
            for d, s in zip(dims, shape, strict=False)
        )
        if mismatch:
            model_shape = [d.dim_value if d.WhichOneof("value") == "dim_value" else "?" for d in dims]
            raise self.error(
                f"graph output '{value_info.name}' has shape {model_shape} in the model, but "
                f"{list(shape)} is computed"
            )

    # -- the whole graph -----------------------------------------------------------

    def run(self) -> ModuleOp:
        opset = onnx_opset(self.model)
        if opset == 0:
            raise self.error("the model imports no ai.onnx opset")
        self.add_inputs()
        for index, node in enumerate(self.graph.node):
            self.convert_node(node, index, opset)
        results: list[SSAValue] = []
        for value_info in self.graph.output:
            known = self.static.get(value_info.name)
            if known is not None and float_element_of(known) is None:
                raise self.error(
                    f"graph output '{value_info.name}' is a {known.dtype} tensor known at import "
                    "time; only float outputs are supported"
                )
            value = self.materialize(value_info.name, None)
            self.check_output(value_info, value)
            results.append(value)
        self.block.add_op(func.ReturnOp(*results))
        function_type = FunctionType.from_lists(
            [a.type for a in self.block.args], [r.type for r in results]
        )
        function = func.FuncOp(
            symbol_name(self.graph.name, "main"), function_type, Region(self.block)
        )
        return ModuleOp([function])
