"""Helpers for tests of ONNX import: small models built with onnx.helper, checked
against onnx's reference evaluator (and onnxruntime when it is installed).

    model = make_model([helper.make_node("Relu", ["x"], ["y"])], {"x": (2, 3)}, ["y"])
    check_model(model, {"x": x}, rtol=1e-6, atol=1e-6)

`check_model` imports the model, compiles it twice (default pipeline and none),
runs both, and compares each output with the reference and with each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import nnopt


def make_model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Mapping[str, Sequence[int | str] | None],
    outputs: Sequence[str],
    initializers: Mapping[str, np.ndarray] | None = None,
    opset: int = 23,
    input_types: Mapping[str, int] | None = None,
) -> onnx.ModelProto:
    """A model of `nodes` with float inputs (shapes may name dynamic dims) and outputs."""
    types = input_types or {}
    graph = helper.make_graph(
        list(nodes),
        "model",
        [helper.make_tensor_value_info(n, types.get(n, TensorProto.FLOAT), s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs],
        [numpy_helper.from_array(v, n) for n, v in (initializers or {}).items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    return model


def reference_outputs(model: onnx.ModelProto, feeds: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, dict(feeds))]


def run_model(
    model: onnx.ModelProto, feeds: Mapping[str, np.ndarray], pipeline: str | None = None
) -> list[np.ndarray]:
    """Import, compile and run `model`; its outputs in order."""
    module = nnopt.import_onnx(model, {n: v.shape for n, v in feeds.items()})
    initialized = {i.name for i in model.graph.initializer}
    arguments = [feeds[i.name] for i in model.graph.input if i.name not in initialized]
    results = nnopt.compile(module, pipeline=pipeline)(*arguments)
    return list(results) if isinstance(results, tuple) else [results]  # type: ignore[list-item]


def check_model(
    model: onnx.ModelProto,
    feeds: Mapping[str, np.ndarray],
    rtol: float,
    atol: float,
    expected: Sequence[np.ndarray] | None = None,
) -> list[np.ndarray]:
    """Both compilations of `model` match `expected` (default: the reference) and each other."""
    wanted = list(expected) if expected is not None else reference_outputs(model, feeds)
    optimised = run_model(model, feeds)
    unoptimised = run_model(model, feeds, pipeline="")
    assert len(optimised) == len(wanted)
    for got, plain, want in zip(optimised, unoptimised, wanted, strict=True):
        assert got.shape == want.shape, (got.shape, want.shape)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
        np.testing.assert_allclose(plain, want, rtol=rtol, atol=atol)
        np.testing.assert_allclose(got, plain, rtol=rtol, atol=atol)
    return optimised
