"""ONNX import diagnostics: everything not supported is a CompileError naming the
node (its name and op type) or the graph input, never a traceback or a wrong import."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from xdsl.dialects.builtin import NameLoc

import nnopt
from nnopt.dialects import graph
from nnopt.lowering.onnx_to_graph import static_graph_inputs
from tests.e2e.onnx_models import make_model

I64 = np.int64


def import_error(model: onnx.ModelProto | str | bytes, **kwargs: object) -> str:
    with pytest.raises(nnopt.CompileError) as error:
        nnopt.import_onnx(model, **kwargs)  # type: ignore[arg-type]
    return str(error.value)


def relu_model(shape: list[int | str] | None = (2, 3)) -> onnx.ModelProto:  # type: ignore[assignment]
    return make_model([helper.make_node("Relu", ["x"], ["y"], name="act")], {"x": shape}, ["y"])


def test_imported_ops_are_located_at_their_node() -> None:
    module = nnopt.import_onnx(relu_model())
    relu = next(op for op in module.walk() if isinstance(op, graph.ReluOp))
    assert isinstance(relu.location, NameLoc) and relu.location.desc.data == "act"


@pytest.mark.parametrize(
    ("node", "inputs", "initializers", "message"),
    [
        (
            helper.make_node("Celu", ["x"], ["y"], name="c0"),
            {"x": (2, 3)},
            {},
            "node 'c0' (Celu): op type 'Celu' is not supported",
        ),
        (
            helper.make_node("Pad", ["x", "p"], ["y"], name="pad0", mode="reflect"),
            {"x": (2, 3)},
            {"p": np.array([0, 1, 0, 1], I64)},
            "node 'pad0' (Pad): mode 'reflect' is not supported (only 'constant')",
        ),
        (
            helper.make_node("Reshape", ["x", "s"], ["y"], name="r"),
            {"x": (2, 3), "s": (2,)},
            {},
            "node 'r' (Reshape): input #1 (shape, 's') must be a constant or an initializer",
        ),
        (
            helper.make_node("Clip", ["x", "lo"], ["y"]),
            {"x": (2, 3), "lo": ()},
            {},
            "node #0 (Clip): input #1 (min, 'lo') must be a constant or an initializer",
        ),
        (
            helper.make_node("ReduceMean", ["x", "axes"], ["y"], name="mean"),
            {"x": (2, 3), "axes": (1,)},
            {},
            "node 'mean' (ReduceMean): input #1 (axes, 'axes') must be a constant or an initializer",
        ),
        (
            helper.make_node("Conv", ["x", "w"], ["y"], name="conv", auto_pad="SAME"),
            {"x": (1, 1, 4, 4)},
            {"w": np.ones((1, 1, 3, 3), np.float32)},
            "node 'conv' (Conv): auto_pad 'SAME' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
        ),
        (
            helper.make_node("Conv", ["x", "w"], ["y"], name="conv3d"),
            {"x": (1, 1, 4, 4, 4)},
            {"w": np.ones((1, 1, 3, 3, 3), np.float32)},
            "node 'conv3d' (Conv): only 1-D and 2-D convolutions are supported",
        ),
        (
            helper.make_node("MaxPool", ["x"], ["y", "i"], name="pool", kernel_shape=[2, 2]),
            {"x": (1, 1, 4, 4)},
            {},
            "node 'pool' (MaxPool): the Indices output (argmax positions) is not supported",
        ),
        (
            helper.make_node("Relu", ["x"], ["y"], name="odd", alpha=0.5),
            {"x": (2, 3)},
            {},
            "node 'odd' (Relu): attribute 'alpha' is not supported",
        ),
        (
            helper.make_node("MatMul", ["x", "w"], ["y"], name="mm"),
            {"x": (2, 3)},
            {"w": np.ones((4, 5), np.float32)},
            "node 'mm' (MatMul): matmul inner dimensions differ: 2x3 @ 4x5 (3 vs 4)",
        ),
        (
            helper.make_node("Add", ["x", "k"], ["y"], name="add"),
            {"x": (2, 3)},
            {"k": np.ones((2, 3), I64)},
            "node 'add' (Add): 'k' is a int64 tensor; only float tensors are supported here",
        ),
        (
            helper.make_node("Gelu", ["x"], ["y"], name="g", approximate="fast"),
            {"x": (2, 3)},
            {},
            "node 'g' (Gelu): approximate must be 'none' or 'tanh', got 'fast'",
        ),
        (
            helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1.5),
            {"x": (2, 3)},
            {},
            "node 'sm' (Softmax): attribute axis must be an integer, got 1.5",
        ),
        (
            helper.make_node("Relu", ["missing"], ["y"], name="orphan"),
            {"x": (2, 3)},
            {},
            "node 'orphan' (Relu): 'missing' is not a graph input, an initializer or the output",
        ),
    ],
    ids=[
        "unsupported-op",
        "pad-reflect",
        "runtime-reshape-shape",
        "runtime-clip-bound",
        "runtime-reduce-axes",
        "bad-auto-pad",
        "conv-3d",
        "maxpool-indices",
        "unknown-attribute",
        "shape-mismatch",
        "integer-operand",
        "gelu-approximation",
        "attribute-type",
        "undefined-input",
    ],
)
def test_node_diagnostics(
    node: onnx.NodeProto,
    inputs: dict[str, tuple[int, ...]],
    initializers: dict[str, np.ndarray],
    message: str,
) -> None:
    types = {n: TensorProto.INT64 for n in ("s", "axes")}
    outputs = [o for o in node.output if o]
    model = make_model([node], inputs, outputs, initializers, opset=20, input_types=types)
    text = import_error(model)
    assert text.startswith("<onnx model 'model'>: error: "), text
    assert message in text


def test_version_outside_the_supported_ones() -> None:
    model = make_model([helper.make_node("ReduceSum", ["x"], ["y"], name="s", axes=[0])], {"x": (2,)}, ["y"], opset=9)
    assert "node 's' (ReduceSum): ReduceSum-1 (the version in opset 9) is not supported" in import_error(model)


def test_other_domains_are_reported() -> None:
    node = helper.make_node("FusedConv", ["x"], ["y"], name="f", domain="com.microsoft")
    model = make_model([node], {"x": (2,)}, ["y"])
    assert "node 'f' (FusedConv): ops of domain 'com.microsoft' are not supported" in import_error(model)


def test_dynamic_input_needs_a_shape() -> None:
    text = import_error(relu_model(["N", 3]))
    assert "graph input 'x' has a dynamic dimension 0 ('N')" in text
    assert "--input-shape x=" in text
    assert nnopt.import_onnx(relu_model(["N", 3]), {"x": (4, 3)}) is not None


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ({"y": (2, 3)}, "a shape was given for 'y', which is not a graph input (inputs: x)"),
        ({"x": (2,)}, "graph input 'x' has rank 2 in the model, but the given shape [2] has rank 1"),
        ({"x": (2, 4)}, "graph input 'x' has size 3 in dimension 1 in the model, but the given shape says 4"),
    ],
)
def test_given_shapes_must_fit(shapes: dict[str, tuple[int, ...]], message: str) -> None:
    assert message in import_error(relu_model(), input_shapes=shapes)


def test_unsupported_input_types() -> None:
    model = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], {"x": (2,)}, ["y"], input_types={"x": TensorProto.UINT8}
    )
    assert "graph input 'x' has element type uint8" in import_error(model)


def test_declared_output_shape_is_checked() -> None:
    model = relu_model()
    model.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2]))
    assert "graph output 'y' has shape [3, 2] in the model, but [2, 3] is computed" in import_error(model)


def test_unreadable_models(tmp_path: Path) -> None:
    missing = tmp_path / "missing.onnx"
    assert f"{missing}: error: cannot read the model" in import_error(str(missing))
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x00\x01not a protobuf")
    assert f"{garbage}: error: not a valid ONNX model" in import_error(str(garbage))


def test_static_graph_inputs_lists_what_import_needs() -> None:
    nodes = [
        helper.make_node("Reshape", ["x", "shape"], ["r"]),
        helper.make_node("Clip", ["r", "lo", "hi"], ["y"]),
    ]
    model = make_model(nodes, {"x": (2, 3), "shape": (2,), "lo": (), "hi": ()}, ["y"], {"hi": np.array(1.0, np.float32)})
    assert static_graph_inputs(model) == ["shape", "lo"]
