"""ONNX backend node tests (shipped with the onnx package) run through nn-opt.

    cases = conformance_cases()                 # every case of the listed ops, in scope or not
    outcome = run_case(case)                    # import -> compile -> run -> compare

A case tests one of `OPS` and is a float32 case when its data is float32: no
tensor of another float type (float16, bfloat16, double) and at least one
float32 tensor; the rest (int8 Add, float16 Max, sequences, ...) is out of scope.
Float32 cases that cannot pass are skipped with a reason: the table `SKIPPED`
in test_onnx_conformance.py, plus the rule that an `_expanded` case (the op's
ONNX function body) whose body uses ops outside `OPS` is left out. Graph inputs
that the importer needs at import time (Reshape's shape, Clip's bounds, ...)
are made initializers holding the test data's values, as a model would ship
them. Outputs are compared as ONNX's own backend runner does: rtol 1e-3,
atol 1e-7 (each case's own values).
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

import nnopt
from nnopt.lowering.onnx_to_graph import static_graph_inputs

OPS = (
    *("Conv", "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow"),
    *("Relu", "Gelu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf", "Clip"),
    *("Softmax", "LayerNormalization", "BatchNormalization"),
    *("MaxPool", "AveragePool", "GlobalAveragePool"),
    *("Transpose", "Reshape", "Flatten", "Concat", "Pad"),
    *("ReduceSum", "ReduceMean", "ReduceMax", "Attention", "Constant", "Identity"),
)

EXPANDED = re.compile(r"_expanded(_ver\d+)?$")


@dataclass(frozen=True)
class Case:
    name: str
    op: str
    """The op type under test."""
    model: onnx.ModelProto
    inputs: tuple[np.ndarray, ...]
    outputs: tuple[np.ndarray, ...]
    rtol: float
    atol: float

    @property
    def expanded(self) -> bool:
        return EXPANDED.search(self.name) is not None

    def op_types(self) -> set[str]:
        return {node.op_type for node in self.model.graph.node}

    def float32(self) -> bool:
        """All float tensors are float32 (and there is at least one): a float32 case."""
        arrays = [*self.inputs, *self.outputs]
        if not all(isinstance(a, np.ndarray) for a in arrays):
            return False  # sequences and optionals
        floats = [a for a in arrays if a.dtype.kind in "fcV" or a.dtype.name == "bfloat16"]
        return bool(floats) and all(a.dtype == np.float32 for a in floats)

    def outside_ops(self) -> list[str]:
        """Ops of the case's model that are not in OPS (the body of an expanded case)."""
        return sorted(self.op_types() - set(OPS))


def _array(value: object) -> np.ndarray:
    """A numpy scalar (Clip's bounds) as a 0-d array; other values unchanged."""
    return np.asarray(value) if isinstance(value, np.generic) else value  # type: ignore[return-value]


@functools.cache
def conformance_cases() -> tuple[Case, ...]:
    """The backend node cases of the ops in OPS, in onnx's order."""
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        every = collect_testcases(None)
    op_of_base = {
        c.name: c.model.graph.node[0].op_type
        for c in every
        if not EXPANDED.search(c.name) and len(c.model.graph.node) == 1
    }
    cases: list[Case] = []
    for c in every:
        op = op_of_base.get(EXPANDED.sub("", c.name))
        if op not in OPS:
            continue
        inputs, outputs = (tuple(_array(v) for v in values) for values in c.data_sets[0])
        cases.append(Case(c.name, op, c.model, inputs, outputs, float(c.rtol), float(c.atol)))
    return tuple(cases)


def rule_skip(case: Case) -> str | None:
    """The reason a float32 case is left out by rule rather than by the table of skips."""
    if case.expanded and case.outside_ops():
        return f"function body uses ops outside the list: {', '.join(case.outside_ops())}"
    return None


def float32_cases() -> list[Case]:
    return [case for case in conformance_cases() if case.float32()]


def frozen_model(case: Case) -> tuple[onnx.ModelProto, list[np.ndarray]]:
    """The case's model with import-time inputs made initializers, and the remaining inputs."""
    model = onnx.ModelProto()
    model.CopyFrom(case.model)
    graph_inputs = list(model.graph.input)
    values = dict(zip((i.name for i in graph_inputs), case.inputs, strict=False))
    static = set(static_graph_inputs(model))
    runtime: list[np.ndarray] = []
    del model.graph.input[:]
    for value_info in graph_inputs:
        if value_info.name in static:
            model.graph.initializer.append(numpy_helper.from_array(values[value_info.name], value_info.name))
        else:
            model.graph.input.append(value_info)
            runtime.append(values[value_info.name])
    return model, runtime


def run_case(case: Case) -> Sequence[np.ndarray]:
    """Import, compile and run the case; its outputs (CompileError if it does not import)."""
    model, inputs = frozen_model(case)
    module = nnopt.import_onnx(model)
    results = nnopt.compile(module)(*inputs)
    return list(results) if isinstance(results, tuple) else [results]  # type: ignore[list-item]


def check_case(case: Case) -> None:
    """Run the case and compare every output with the expected one."""
    actual = run_case(case)
    assert len(actual) == len(case.outputs), f"{len(actual)} outputs, expected {len(case.outputs)}"
    for i, (got, expected) in enumerate(zip(actual, case.outputs, strict=True)):
        assert got.shape == expected.shape, f"output #{i}: shape {got.shape}, expected {expected.shape}"
        np.testing.assert_allclose(
            got, expected, rtol=case.rtol, atol=case.atol, err_msg=f"{case.name} output #{i}"
        )
