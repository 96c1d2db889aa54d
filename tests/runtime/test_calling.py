"""Argument checking at call time and compiler failures, as the API reports them."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.runtime.build import build
from nnopt.runtime.targets import get_target
from nnopt.tools.nn_demo import dense_relu_ir


@pytest.fixture(scope="module")
def exe() -> nnopt.Executable:
    return nnopt.compile(dense_relu_ir(4, 8, 16))


def inputs() -> list[np.ndarray]:
    return [np.ones((4, 8), np.float32), np.ones((8, 16), np.float32), np.ones(16, np.float32)]


def test_wrong_dtype(exe: nnopt.Executable) -> None:
    x, w, b = inputs()
    with pytest.raises(nnopt.ArgumentError, match="argument 'x' must have dtype float32, got float64"):
        exe(x.astype(np.float64), w, b)


def test_wrong_shape(exe: nnopt.Executable) -> None:
    x, w, b = inputs()
    with pytest.raises(nnopt.ArgumentError, match=r"argument 'w' must have shape \(8, 16\), got \(16, 8\)"):
        exe(x, w.T.copy(), b)


def test_non_contiguous(exe: nnopt.Executable) -> None:
    x, _w, b = inputs()
    with pytest.raises(nnopt.ArgumentError, match="argument 'w' must be C-contiguous"):
        exe(x, np.ones((16, 8), np.float32).T, b)


def test_wrong_count_and_type(exe: nnopt.Executable) -> None:
    x, w, _b = inputs()
    with pytest.raises(nnopt.ArgumentError, match=r"dense_relu\(\) takes 3 arguments \(x, w, b\), got 2"):
        exe(x, w)
    with pytest.raises(nnopt.ArgumentError, match="argument 'b' must be a numpy float32 array"):
        exe(x, w, [1.0] * 16)


def test_unknown_function_name(exe: nnopt.Executable) -> None:
    with pytest.raises(AttributeError, match="no compiled function 'nope'"):
        exe.nope  # noqa: B018


def test_in_place_aliasing_is_rejected() -> None:
    exe = nnopt.compile(
        """
        func.func @copy(%A: memref<4xf32>, %B: memref<4xf32>) {
          affine.for %i = 0 to 4 {
            %v = affine.load %A[%i] : memref<4xf32>
            affine.store %v, %B[%i] : memref<4xf32>
          }
          func.return
        }
        """
    )
    a = np.arange(4, dtype=np.float32)
    with pytest.raises(nnopt.ArgumentError, match="argument 'B' is written and overlaps argument 'A'"):
        exe(a, a)
    with pytest.raises(nnopt.ArgumentError, match="argument 'B' is written but the array is read-only"):
        readonly = np.zeros(4, np.float32)
        readonly.setflags(write=False)
        exe(a, readonly)


def test_compiler_error_names_the_c_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    with pytest.raises(nnopt.CompileError) as info:
        build("int f(void) { return undeclared; }\n", get_target("native"))
    message = str(info.value)
    assert "C compiler failed on " + str(tmp_path) in message
    assert "undeclared" in message and ".c" in message


def test_compile_error_for_bad_ir_is_typed() -> None:
    with pytest.raises(nnopt.CompileError, match=r"<input>:1:\d+: error"):
        nnopt.compile("func.func @f( {")
    with pytest.raises(nnopt.CompileError, match="unknown target 'vax'"):
        nnopt.compile(dense_relu_ir(2, 2, 2), target="vax")
    with pytest.raises(nnopt.CompileError, match="unknown pass 'frobnicate'"):
        nnopt.compile(dense_relu_ir(2, 2, 2), pipeline="frobnicate")


def test_out_receives_the_result(exe: nnopt.Executable) -> None:
    x, w, b = inputs()
    out = np.full((4, 16), -1.0, np.float32)
    assert exe(x, w, b, out=out) is out
    np.testing.assert_allclose(out, np.maximum(x @ w + b, 0))
    with pytest.raises(nnopt.ArgumentError, match="argument 'out' must have shape"):
        exe(x, w, b, out=np.zeros((2, 2), np.float32))
