"""Winograd F(2x2, 3x3) and F(4x4, 3x3) (graph-conv-strategy{strategy=winograd}) give
numpy's results and the direct program's: outputs that are not a multiple of the
tile, batch 2, bias, constant weights (transformed at compile time), and on ARM
NEON under qemu."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt
from nnopt.dialects import graph
from nnopt.passes.graph.graph_conv_strategy import GraphConvStrategy
from nnopt.passes.graph.winograd import winograd_matrices
from nnopt.registry import make_context
from nnopt.runtime.targets import get_target
from nnopt.support.parsing import parse_module
from tests.e2e.graph_programs import dense_literal

RTOL = ATOL = 1e-4
"""F(4x4, 3x3) in float32 is off by about 1e-5 relative (its transforms have entries up to 8)."""


def conv_ir(n: int, c: int, h: int, w: int, f: int, pad: int, bias: bool, weights: np.ndarray | None = None) -> str:
    oh, ow = h + 2 * pad - 2, w + 2 * pad - 2
    x_t, w_t, y_t = f"tensor<{n}x{c}x{h}x{w}xf32>", f"tensor<{f}x{c}x3x3xf32>", f"tensor<{n}x{f}x{oh}x{ow}xf32>"
    args = [f"%x: {x_t}"]
    if weights is None:
        args.append(f"%w: {w_t}")
    if bias:
        args.append(f"%b: tensor<{f}xf32>")
    body = "" if weights is None else f"  %w = graph.constant {dense_literal(weights)}\n"
    operands, types = ("%x, %w, %b", f"{x_t}, {w_t}, tensor<{f}xf32>") if bias else ("%x, %w", f"{x_t}, {w_t}")
    body += f"  %y = graph.conv2d {operands} {{pads = array<i64: {pad}, {pad}, {pad}, {pad}>}} : ({types}) -> {y_t}\n"
    return f"func.func @conv({', '.join(args)}) -> {y_t} {{\n{body}  func.return %y : {y_t}\n}}"


def conv_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, pad: int) -> np.ndarray:
    """3x3 stride-1 convolution in float64."""
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = xp.shape[2] - 2, xp.shape[3] - 2
    windows = np.stack([xp[:, :, i : i + oh, j : j + ow] for i in range(3) for j in range(3)], axis=2)
    y = np.einsum("fck,nckhw->nfhw", w.astype(np.float64).reshape(w.shape[0], w.shape[1], 9), windows)
    return y if b is None else y + b.astype(np.float64)[None, :, None, None]


def winograd(tile: int) -> str:
    return f"default-pipeline{{conv-strategy=winograd winograd-tile={tile}}}"


# (n, c, h, w, f, pad, bias): outputs 11x13 and 7x4 are whole tiles of neither size
CASES = [(2, 5, 11, 13, 7, 1, True), (1, 3, 9, 6, 4, 0, False), (1, 24, 12, 12, 20, 1, True)]


@pytest.mark.parametrize("tile", [2, 4])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x".join(map(str, c[:5])) + ("-bias" if c[6] else ""))
def test_winograd_matches_numpy_and_direct(tile: int, case: tuple[int, int, int, int, int, int, bool]) -> None:
    n, c, h, w, f, pad, bias = case
    rng = np.random.default_rng(7)
    inputs = [rng.standard_normal((n, c, h, w), dtype=np.float32), rng.standard_normal((f, c, 3, 3), dtype=np.float32)]
    if bias:
        inputs.append(rng.standard_normal(f, dtype=np.float32))
    ir = conv_ir(n, c, h, w, f, pad, bias)
    result = nnopt.compile(ir, pipeline=winograd(tile))(*inputs)
    np.testing.assert_allclose(result, conv_reference(inputs[0], inputs[1], inputs[2] if bias else None, pad), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(result, nnopt.compile(ir, pipeline="")(*inputs), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("tile", [2, 4])
def test_transforms_compute_a_correlation(tile: int) -> None:
    """A^T [(G g G^T) * (B^T d B)] A is the 3x3 correlation of d with g, in float64."""
    rng = np.random.default_rng(1)
    bt, g, at = winograd_matrices(tile)
    d, k = rng.standard_normal((tile + 2, tile + 2)), rng.standard_normal((3, 3))
    y = at @ ((g @ k @ g.T) * (bt @ d @ bt.T)) @ at.T
    expected = [[np.sum(d[i : i + 3, j : j + 3] * k) for j in range(tile)] for i in range(tile)]
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_constant_weights_are_transformed_at_compile_time() -> None:
    rng = np.random.default_rng(3)
    weights = rng.standard_normal((6, 4, 3, 3)).astype(np.float32)
    ir = conv_ir(1, 4, 10, 10, 6, 1, False, weights)
    ctx = make_context()
    module = parse_module(ctx, ir)
    GraphConvStrategy(strategy="winograd").apply(ctx, module)
    products = [op for op in module.walk() if isinstance(op, graph.MatmulOp) and len(op.lhs.type.get_shape()) == 3]
    assert len(products) == 1 and isinstance(products[0].lhs.owner, graph.ConstantOp)
    assert not any(isinstance(op, graph.TransposeOp) and len(op.input.type.get_shape()) == 2 for op in module.walk())
    constants = [op.result.type.get_shape() for op in module.walk() if isinstance(op, graph.ConstantOp)]
    assert (6, 4, 3, 3) not in constants and (36, 6, 4) in constants
    x = rng.standard_normal((1, 4, 10, 10), dtype=np.float32)
    result = nnopt.compile(ir)(x)
    np.testing.assert_allclose(result, conv_reference(x, weights, None, 1), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("tile", [2, 4])
def test_winograd_on_aarch64_neon(tile: int) -> None:
    missing = get_target("aarch64-neon").missing_tools()
    assert not missing, f"aarch64-neon needs {missing}: run scripts/install-system-deps.sh"
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 7, 9), dtype=np.float32)
    w = rng.standard_normal((5, 3, 3, 3), dtype=np.float32)
    b = rng.standard_normal(5, dtype=np.float32)
    pipeline = f"default-pipeline{{target=aarch64-neon conv-strategy=winograd winograd-tile={tile}}}"
    result = nnopt.compile(conv_ir(2, 3, 7, 9, 5, 1, True), target="aarch64-neon", pipeline=pipeline)(x, w, b)
    np.testing.assert_allclose(result, conv_reference(x, w, b, 1), rtol=RTOL, atol=ATOL)
