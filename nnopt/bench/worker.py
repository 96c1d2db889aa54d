"""One measurement in its own process: `python -m nnopt.bench.worker '<json>'`.

The JSON names the runner (nnopt, nnopt-scalar, numpy, torch, onnxruntime, or any
name with a "pipeline": nnopt compiled with that pipeline), the workload and the
thread count. The worker checks the runner's result against the
float64 reference first, then times it (warm-up, batches of at least 50 ms,
median of the samples) and prints one JSON line:

    {"runner": "nnopt", "workload": "matmul 512x512x512", "threads": 1,
     "ok": true, "ms": 1.62, "min_ms": 1.58, "max_ms": 1.71, "error": null}
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from nnopt.bench.timing import batched_samples
from nnopt.bench.workloads import Workload, by_name

SAMPLE_SECONDS = 0.05
SAMPLES = 7


def _prepare(
    runner: str, workload: Workload, inputs: list[np.ndarray], out: np.ndarray, threads: int, pipeline: str | None = None
) -> Callable[[], Any]:
    if pipeline is not None:
        import nnopt

        exe = nnopt.compile(workload.graph_ir(), pipeline=pipeline)
        return lambda: exe(*inputs, out=out)
    if runner in ("nnopt", "nnopt-scalar"):
        import nnopt

        exe = nnopt.compile(workload.graph_ir(), pipeline=None if runner == "nnopt" else "")
        return lambda: exe(*inputs, out=out)
    if runner == "numpy":
        fn = workload.numpy_fn(inputs, out)
        assert fn is not None
        return fn
    if runner == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_grad_enabled(False)
        return workload.torch_fn(inputs, out)
    if runner == "onnxruntime":
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(workload.onnx_model().SerializeToString(), options, providers=["CPUExecutionProvider"])
        feeds = {f"a{i}": a for i, a in enumerate(inputs)}
        return lambda: session.run(None, feeds)[0]
    raise ValueError(f"unknown runner {runner}")


def _result_of(value: Any, out: np.ndarray) -> np.ndarray:
    if value is None:
        return out
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def measure(runner: str, workload: Workload, threads: int, pipeline: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"runner": runner, "workload": workload.name, "threads": threads, "ok": False, "error": None}
    inputs = workload.inputs()
    out = np.zeros(workload.output_shape, np.float32)
    try:
        fn = _prepare(runner, workload, inputs, out, threads, pipeline)
        result = _result_of(fn(), out)
    except Exception as error:  # a missing library or a failed compile is a row, not a crash
        record["error"] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return record
    expected = workload.reference(inputs)
    scale = float(np.max(np.abs(expected))) or 1.0
    deviation = float(np.max(np.abs(result - expected))) / scale
    record["max_error"] = deviation
    if not np.isfinite(deviation) or deviation > 1e-3:
        record["error"] = f"wrong result: max error {deviation:.2e} of the output scale"
        return record
    for _ in range(3):
        fn()
    samples = [t * 1e3 for t in batched_samples(fn, SAMPLE_SECONDS, SAMPLES, max_batch=1 << 14)]
    record.update(ok=True, ms=float(np.median(samples)), min_ms=min(samples), max_ms=max(samples))
    return record


def main() -> None:
    spec = json.loads(sys.argv[1])
    os.environ["OMP_NUM_THREADS"] = str(spec["threads"])
    print(json.dumps(measure(spec["runner"], by_name(spec["workload"]), spec["threads"], spec.get("pipeline"))))


if __name__ == "__main__":
    main()
