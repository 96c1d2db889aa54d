"""poly-schedule on PolyBench kernels and NN layers: compiled to C, run, compared.

Every kernel of examples/polybench/kernels.py (gemm, 2mm, 3mm, syrk, jacobi-1d,
jacobi-2d, seidel-2d, heat-3d, conv2d + bias + ReLU at stride 1 and 2,
depthwise, max-pool, the attention statements) is compiled without
optimisation (`pipeline=""`) and after `poly-schedule` with several option
sets, at small sizes where tiles are partial. The scheduled program must give
the same results as the original one: exactly, unless the kernel has
reductions that the relaxed schedule may reassociate; and both must match numpy.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from types import ModuleType

import numpy as np
import pytest

import nnopt
from tests.conftest import REPO


def _load_kernels() -> ModuleType:
    spec = importlib.util.spec_from_file_location("polybench_kernels", REPO / "examples" / "polybench" / "kernels.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


KERNELS = _load_kernels().KERNELS

OPTION_SETS = {
    "default": "",
    "smartfuse-tiled": "fuse=smartfuse tile-sizes=4,8",
    "maxfuse-two-levels": "fuse=maxfuse tile-sizes=2 l2-tile-sizes=4 isolate=false",
    "nofuse-exact-reductions": "fuse=nofuse relax-reductions=false tile-sizes=3",
    "isl-scheduler": "scheduler=isl tile-sizes=4",
}

SAME_ORDER = {"rtol": 1e-6, "atol": 1e-6}
"""Tolerance where every value is computed in the original order (FMA contraction only)."""
REASSOCIATED = {"rtol": 2e-5, "atol": 2e-5}
"""Tolerance where a relaxed reduction may sum in another order (float32)."""
REFERENCE = {"rtol": 1e-4, "atol": 1e-4}
"""Tolerance against the float64 numpy reference."""


def _inputs(name: str) -> list[np.ndarray]:
    kernel = KERNELS[name]
    return kernel.inputs(kernel.small, np.random.default_rng(2024))


@functools.cache
def _original_outputs(name: str) -> tuple[np.ndarray, ...]:
    kernel = KERNELS[name]
    arrays = _inputs(name)
    nnopt.compile(kernel.ir(kernel.small), pipeline="")(*arrays)
    return tuple(arrays)


@pytest.mark.parametrize("options", list(OPTION_SETS), ids=list(OPTION_SETS))
@pytest.mark.parametrize("name", list(KERNELS))
def test_scheduled_kernel_matches_original_and_numpy(name: str, options: str) -> None:
    kernel = KERNELS[name]
    text = OPTION_SETS[options]
    exe = nnopt.compile(kernel.ir(kernel.small), pipeline=f"poly-schedule{{{text}}}")
    pristine = _inputs(name)
    arrays = [a.copy() for a in pristine]
    exe(*arrays)
    original = _original_outputs(name)
    expected = kernel.reference(kernel.small, [a.copy() for a in pristine])
    reassociates = kernel.reduces and "relax-reductions=false" not in text
    for index in kernel.outputs:
        tolerance = REASSOCIATED if reassociates else SAME_ORDER
        np.testing.assert_allclose(arrays[index], original[index], **tolerance)
        np.testing.assert_allclose(arrays[index], expected[index], **REFERENCE)


def test_scheduling_changes_the_loops() -> None:
    """The kernels are really transformed (a test of the tests): fused conv epilogue."""
    kernel = KERNELS["conv2d"]
    exe = nnopt.compile(kernel.ir(kernel.small), pipeline="poly-schedule")
    assert exe.source.count("for (") < nnopt.compile(kernel.ir(kernel.small), pipeline="").source.count("for (")
