"""nn-import on ONNX models: IR out (to stdout, a file, or nn-opt), --input-shape,
and diagnostics that name the node with exit status 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper

from tests.conftest import assert_no_traceback, run_nn_opt, run_tool
from tests.e2e.onnx_models import make_model


def save(model: onnx.ModelProto, path: Path) -> Path:
    onnx.save(model, str(path))
    return path


def dense_model(batch: int | str = 4) -> onnx.ModelProto:
    nodes = [
        helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
        helper.make_node("Relu", ["h"], ["y"], name="act"),
    ]
    initializers = {"w": np.ones((16, 8), np.float32), "b": np.zeros(16, np.float32)}
    return make_model(nodes, {"x": (batch, 8)}, ["y"], initializers)


def test_prints_graph_ir_that_nn_opt_lowers_to_c(tmp_path: Path) -> None:
    model = save(dense_model(), tmp_path / "dense.onnx")
    done = run_tool("nnopt.tools.nn_import", str(model))
    assert done.returncode == 0, done.stderr
    assert "func.func @model(%x: tensor<4x8xf32>) -> tensor<4x16xf32>" in done.stdout
    assert "graph.gemm %x, %0, %1 {trans_b = true}" in done.stdout
    out = tmp_path / "dense.mlir"
    written = run_tool("nnopt.tools.nn_import", str(model), "-o", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text() == done.stdout
    lowered = run_nn_opt(str(out), "-p", "lower-to-affine", "-t", "c")
    assert lowered.returncode == 0, lowered.stderr
    assert "int model(const float *restrict x, float *restrict out)" in lowered.stdout


def test_reads_a_model_from_stdin(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_import", "-", "--format=onnx"],
        input=dense_model().SerializeToString(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"graph.relu" in done.stdout


def test_input_shape_fixes_dynamic_dims(tmp_path: Path) -> None:
    model = save(dense_model("batch"), tmp_path / "dynamic.onnx")
    missing = run_tool("nnopt.tools.nn_import", str(model))
    assert missing.returncode == 1
    assert_no_traceback(missing)
    assert f"{model}: error: graph input 'x' has a dynamic dimension 0 ('batch')" in missing.stderr
    given = run_tool("nnopt.tools.nn_import", str(model), "--input-shape", "x=2x8")
    assert given.returncode == 0, given.stderr
    assert "func.func @model(%x: tensor<2x8xf32>) -> tensor<2x16xf32>" in given.stdout


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("x", "--input-shape 'x' is not NAME=D1xD2x..."),
        ("x=2by8", "--input-shape 'x=2by8': '2by8' is not sizes separated by 'x'"),
        ("y=2x8", "a shape was given for 'y', which is not a graph input (inputs: x)"),
    ],
)
def test_bad_input_shapes_are_reported(tmp_path: Path, argument: str, message: str) -> None:
    model = save(dense_model("batch"), tmp_path / "dynamic.onnx")
    done = run_tool("nnopt.tools.nn_import", str(model), "--input-shape", argument)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert message in done.stderr


def test_unsupported_node_exits_1_naming_it(tmp_path: Path) -> None:
    node = helper.make_node("Pad", ["x", "p"], ["y"], name="pad0", mode="reflect")
    model = make_model([node], {"x": (2, 3)}, ["y"], {"p": np.array([0, 1, 0, 1], np.int64)})
    path = save(model, tmp_path / "model.onnx")
    done = run_tool("nnopt.tools.nn_import", str(path))
    assert done.returncode == 1
    assert_no_traceback(done)
    assert done.stderr.strip() == (
        f"{path}: error: node 'pad0' (Pad): mode 'reflect' is not supported (only 'constant')"
    )
    assert done.stdout == ""


def test_input_shape_is_for_onnx_only(tmp_path: Path) -> None:
    source = tmp_path / "mm.tc"
    source.write_text("def mm(A: f32[4,8], B: f32[8,16]) -> C {\n  C[i,j] += A[i,k] * B[k,j]\n}\n")
    done = run_tool("nnopt.tools.nn_import", str(source), "--input-shape", "A=4x8")
    assert done.returncode == 1
    assert "--input-shape applies to ONNX models" in done.stderr
