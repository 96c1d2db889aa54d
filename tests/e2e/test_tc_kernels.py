"""Tensor comprehensions compiled to C and run, against numpy.

One TC module holds every kernel, so the C compiler runs once per pipeline.
Each kernel is checked against a numpy reference (float64 where it matters)
and the default pipeline against the unoptimised one (`pipeline=""`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nnopt
from nnopt.executable import Executable

KERNELS = """
# convolutions: strided, dilated, with bias and ReLU, depthwise
def conv_strided(I: f32[1,3,11,11], W: f32[4,3,3,3]) -> O {
  O[n,f,y,x] += I[n,c,2*y+ky,2*x+kx] * W[f,c,ky,kx]
}
def conv_dilated(I: f32[1,2,10,10], W: f32[3,2,3,3]) -> O {
  O[n,f,y,x] += I[n,c,y+2*ky,x+2*kx] * W[f,c,ky,kx]
}
def conv_bias_relu(I: f32[2,3,6,6], W: f32[4,3,3,3], B: f32[4]) -> R {
  O[n,f,y,x] += I[n,c,y+ky,x+kx] * W[f,c,ky,kx]
  R[n,f,y,x] = max(O[n,f,y,x] + B[f], 0.0)
}
def depthwise(I: f32[1,4,9,9], W: f32[4,3,3]) -> O {
  O[n,c,y,x] += I[n,c,y+ky,x+kx] * W[c,ky,kx]
}

# products
def matmul(A: f32[5,7], B: f32[7,3]) -> C {
  C[i,j] += A[i,k] * B[k,j]
}
def batched_matmul(A: f32[2,5,7], B: f32[2,7,3]) -> C {
  C[b,i,j] += A[b,i,k] * B[b,k,j]
}

# pooling: the window is declared, strides are in the index expressions
def max_pool(I: f32[1,2,8,8]) -> O {
  O[n,c,y,x] max= I[n,c,2*y+ky,2*x+kx] where ky in 0:2, kx in 0:2
}
def max_pool_3x3(I: f32[1,2,9,9]) -> O {
  O[n,c,y,x] max= I[n,c,2*y+ky,2*x+kx] where ky in 0:3, kx in 0:3
}
def avg_pool(I: f32[1,2,6,6]) -> O {
  O[n,c,y,x] += I[n,c,3*y+ky,3*x+kx] / 9.0 where ky in 0:3, kx in 0:3
}

# softmax in pieces, each returned
def softmax(X: f32[4,10]) -> (M, S, Y) {
  M[i] max= X[i,j]
  E[i,j] = exp(X[i,j] - M[i])
  S[i] += E[i,j]
  Y[i,j] = E[i,j] / S[i]
}

# layer normalisation in f64, with a constant epsilon
def layer_norm(X: f64[3,8], G: f64[8]) -> Y {
  Mean[i] += X[i,j] / 8.0
  D[i,j] = X[i,j] - Mean[i]
  Var[i] += D[i,j] * D[i,j] / 8.0
  Y[i,j] = D[i,j] * rsqrt(Var[i] + 1e-5) * G[j]
}

# scalar functions and the other reductions
def scalar_math(X: f32[6], P: f32[6]) -> (A, B) {
  A[i] = tanh(X[i]) + log(abs(X[i]) + 1.0) - sigmoid(-X[i]) * min(X[i], 0.5)
  B[i] = sqrt(pow(abs(X[i]), 2.0)) + erf(X[i]) / (1.0 + exp(P[i]))
}
def other_reductions(X: f32[3,4]) -> (Prod, Low) {
  Prod[i] *= X[i,j]
  Low[j] min= X[i,j]
}
def shifted_sum(A: f32[9], W: f32[3]) -> O {
  O[i] += A[i+k] * W[k]
}
"""


@pytest.fixture(scope="module")
def optimised() -> Executable:
    return nnopt.compile(nnopt.tc(KERNELS, "kernels.tc"))


@pytest.fixture(scope="module")
def unoptimised() -> Executable:
    return nnopt.compile(nnopt.tc(KERNELS, "kernels.tc"), pipeline="")


def _conv(inputs: np.ndarray, weights: np.ndarray, stride: int = 1, dilation: int = 1) -> np.ndarray:
    n, _, h, w = inputs.shape
    f, _, kh, kw = weights.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (w - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            window = inputs[:, :, ky * dilation :, kx * dilation :][:, :, : stride * oh : stride, : stride * ow : stride]
            out += np.einsum("ncyx,fc->nfyx", window.astype(np.float64), weights[:, :, ky, kx])
    return out


def _pool(inputs: np.ndarray, k: int, stride: int, reduce: Callable[..., np.ndarray]) -> np.ndarray:
    h, w = inputs.shape[2:]
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    windows = [
        inputs[:, :, ky : ky + stride * oh : stride, kx : kx + stride * ow : stride]
        for ky in range(k)
        for kx in range(k)
    ]
    return reduce(np.stack(windows), axis=0)


def _random(rng: np.random.Generator, *shape: int, dtype: type = np.float32) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def _check(exe: Executable, name: str, args: list[np.ndarray], expected: object, rtol: float, atol: float) -> None:
    result = exe[name](*args)
    results = result if isinstance(result, tuple) else (result,)
    wanted = expected if isinstance(expected, tuple) else (expected,)
    assert len(results) == len(wanted)
    for got, want in zip(results, wanted, strict=True):
        assert isinstance(got, np.ndarray)
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def _cases(rng: np.random.Generator) -> list[tuple[str, list[np.ndarray], object]]:
    cases: list[tuple[str, list[np.ndarray], object]] = []
    i, w = _random(rng, 1, 3, 11, 11), _random(rng, 4, 3, 3, 3)
    cases.append(("conv_strided", [i, w], _conv(i, w, stride=2)))
    i, w = _random(rng, 1, 2, 10, 10), _random(rng, 3, 2, 3, 3)
    cases.append(("conv_dilated", [i, w], _conv(i, w, dilation=2)))
    i, w, b = _random(rng, 2, 3, 6, 6), _random(rng, 4, 3, 3, 3), _random(rng, 4)
    cases.append(("conv_bias_relu", [i, w, b], np.maximum(_conv(i, w) + b[None, :, None, None], 0.0)))
    i, w = _random(rng, 1, 4, 9, 9), _random(rng, 4, 3, 3)
    depthwise = sum(
        i[:, :, ky : ky + 7, kx : kx + 7].astype(np.float64) * w[None, :, ky, kx, None, None]
        for ky in range(3)
        for kx in range(3)
    )
    cases.append(("depthwise", [i, w], depthwise))
    a, b = _random(rng, 5, 7), _random(rng, 7, 3)
    cases.append(("matmul", [a, b], a.astype(np.float64) @ b))
    a, b = _random(rng, 2, 5, 7), _random(rng, 2, 7, 3)
    cases.append(("batched_matmul", [a, b], a.astype(np.float64) @ b))
    i = _random(rng, 1, 2, 8, 8)
    cases.append(("max_pool", [i], _pool(i, 2, 2, np.max)))
    i = _random(rng, 1, 2, 9, 9)
    cases.append(("max_pool_3x3", [i], _pool(i, 3, 2, np.max)))
    i = _random(rng, 1, 2, 6, 6)
    cases.append(("avg_pool", [i], _pool(i, 3, 3, np.mean)))
    x = _random(rng, 4, 10) * 4
    m = x.max(axis=1)
    e = np.exp(x.astype(np.float64) - m[:, None])
    cases.append(("softmax", [x], (m, e.sum(axis=1), e / e.sum(axis=1, keepdims=True))))
    x, g = _random(rng, 3, 8, dtype=np.float64), _random(rng, 8, dtype=np.float64)
    d = x - x.mean(axis=1, keepdims=True)
    cases.append(("layer_norm", [x, g], d / np.sqrt((d * d).mean(axis=1, keepdims=True) + 1e-5) * g))
    x, p = _random(rng, 6), _random(rng, 6)
    x64 = x.astype(np.float64)
    from math import erf

    first = np.tanh(x64) + np.log(np.abs(x64) + 1) - 1 / (1 + np.exp(x64)) * np.minimum(x64, 0.5)
    second = np.abs(x64) + np.array([erf(v) for v in x64]) / (1 + np.exp(p.astype(np.float64)))
    cases.append(("scalar_math", [x, p], (first, second)))
    x = _random(rng, 3, 4)
    cases.append(("other_reductions", [x], (np.prod(x.astype(np.float64), axis=1), x.min(axis=0))))
    a, w = _random(rng, 9), _random(rng, 3)
    cases.append(("shifted_sum", [a, w], np.correlate(a.astype(np.float64), w, mode="valid")))
    return cases


CASE_NAMES = [name for name, _, _ in _cases(np.random.default_rng(0))]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_kernel_matches_numpy(optimised: Executable, name: str) -> None:
    rng = np.random.default_rng(7)
    cases = {n: (args, expected) for n, args, expected in _cases(rng)}
    args, expected = cases[name]
    tolerance = 1e-12 if name == "layer_norm" else 2e-5
    _check(optimised, name, args, expected, rtol=tolerance, atol=tolerance)


def test_default_pipeline_agrees_with_unoptimised(optimised: Executable, unoptimised: Executable) -> None:
    for name, args, _ in _cases(np.random.default_rng(11)):
        got, want = optimised[name](*args), unoptimised[name](*args)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=name)


def test_output_shapes_are_inferred() -> None:
    module = nnopt.tc(KERNELS, "kernels.tc")
    text = str(module)
    assert "func.func @conv_strided(%I: tensor<1x3x11x11xf32>, %W: tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32>" in text
    assert "func.func @conv_dilated(%I: tensor<1x2x10x10xf32>, %W: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>" in text
    assert "func.func @max_pool_3x3(%I: tensor<1x2x9x9xf32>) -> tensor<1x2x4x4xf32>" in text
    assert "-> (tensor<4xf32>, tensor<4xf32>, tensor<4x10xf32>)" in text
