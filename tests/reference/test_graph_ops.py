"""The numpy semantics of graph ops in the reference executor agree with the compiled C,
for the ops whose meaning is more than one numpy call."""

from __future__ import annotations

import numpy as np
import pytest

import nnopt


def _both(ir: str, *inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    reference = nnopt.reference.run(ir, "f", *inputs)
    compiled = nnopt.compile(ir, pipeline="")(*inputs)
    assert isinstance(reference, np.ndarray) and isinstance(compiled, np.ndarray)
    return reference, compiled


@pytest.fixture
def ints(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    def make(*shape: int) -> np.ndarray:
        return rng.integers(-3, 4, shape).astype(np.float32)

    return make


def test_layout_round_trip_and_blocked_convolution(ints) -> None:  # type: ignore[no-untyped-def]
    ir = """
    func.func @f(%x: tensor<1x4x5x5xf32>, %k: tensor<4x4x3x3xf32>) -> tensor<1x4x5x5xf32> {
      %xb = graph.layout %x {from = "NCHW", to = "NCHW2c"} : (tensor<1x4x5x5xf32>) -> tensor<1x2x5x5x2xf32>
      %kb = graph.layout %k {from = "OIHW", to = "OIHW2i2o"} : (tensor<4x4x3x3xf32>) -> tensor<2x2x3x3x2x2xf32>
      %yb = graph.conv2d_nchwc %xb, %kb {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5x2xf32>, tensor<2x2x3x3x2x2xf32>) -> tensor<1x2x5x5x2xf32>
      %y = graph.layout %yb {from = "NCHW2c", to = "NCHW"} : (tensor<1x2x5x5x2xf32>) -> tensor<1x4x5x5xf32>
      func.return %y : tensor<1x4x5x5xf32>
    }
    """
    plain = """
    func.func @f(%x: tensor<1x4x5x5xf32>, %k: tensor<4x4x3x3xf32>) -> tensor<1x4x5x5xf32> {
      %y = graph.conv2d %x, %k {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x5x5xf32>
      func.return %y : tensor<1x4x5x5xf32>
    }
    """
    x, k = ints(1, 4, 5, 5), ints(4, 4, 3, 3)
    reference, compiled = _both(ir, x, k)
    np.testing.assert_array_equal(reference, compiled)
    np.testing.assert_array_equal(reference, nnopt.reference.run(plain, "f", x, k))


def test_layout_places_blocks_as_documented(ints) -> None:  # type: ignore[no-untyped-def]
    ir = """
    func.func @f(%x: tensor<1x4x2x3xf32>) -> tensor<1x2x2x3x2xf32> {
      %b = graph.layout %x {from = "NCHW", to = "NCHW2c"} : (tensor<1x4x2x3xf32>) -> tensor<1x2x2x3x2xf32>
      func.return %b : tensor<1x2x2x3x2xf32>
    }
    """
    x = ints(1, 4, 2, 3)
    reference, compiled = _both(ir, x)
    n, c, h, w = np.indices(x.shape).reshape(4, -1)
    np.testing.assert_array_equal(reference[n, c // 2, h, w, c % 2], x[n, c, h, w])
    np.testing.assert_array_equal(reference, compiled)


def test_cast_of_booleans_and_signed_integers() -> None:
    ir = """
    func.func @f(%m: tensor<4xi1>, %n: tensor<4xi32>) -> tensor<4xf32> {
      %a = graph.cast %m : (tensor<4xi1>) -> tensor<4xf32>
      %b = graph.cast %n : (tensor<4xi32>) -> tensor<4xf32>
      %s = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      func.return %s : tensor<4xf32>
    }
    """
    m = np.array([True, False, True, False])
    n = np.array([-5, 7, 0, 2**20], np.int32)
    reference, compiled = _both(ir, m, n)
    np.testing.assert_array_equal(reference, m.astype(np.float32) + n.astype(np.float32))
    np.testing.assert_array_equal(reference, compiled)


def test_fused_group_runs_its_body(ints) -> None:  # type: ignore[no-untyped-def]
    ir = """
    func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
      %y = graph.fused %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32> {
      ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>):
        %0 = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
        %1 = graph.relu %0 : (tensor<4x16xf32>) -> tensor<4x16xf32>
        graph.yield %1 : tensor<4x16xf32>
      }
      func.return %y : tensor<4x16xf32>
    }
    """
    x, w = ints(4, 8), ints(8, 16)
    reference, compiled = _both(ir, x, w)
    np.testing.assert_array_equal(reference, np.maximum(x @ w, 0))
    np.testing.assert_array_equal(reference, compiled)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_as_a_kernel_op(causal: bool, rng: np.random.Generator) -> None:
    flag = "true" if causal else "false"
    ir = f"""
    func.func @f(%q: tensor<1x2x4x8xf32>, %k: tensor<1x1x6x8xf32>, %v: tensor<1x1x6x8xf32>) -> tensor<1x2x4x8xf32> {{
      %o = graph.attention %q, %k, %v {{causal = {flag}}} : (tensor<1x2x4x8xf32>, tensor<1x1x6x8xf32>, tensor<1x1x6x8xf32>) -> tensor<1x2x4x8xf32>
      func.return %o : tensor<1x2x4x8xf32>
    }}
    """
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((1, 2, 4, 8), (1, 1, 6, 8), (1, 1, 6, 8)))
    expected = nnopt.reference.run(ir, "f", q, k, v)
    module = nnopt.reference.load_module(ir)
    from nnopt.lowering.pipeline import parse_pipeline, run_pass
    from nnopt.registry import make_context

    run_pass(make_context(), module, parse_pipeline("convert-attention-to-kernel")[0])
    assert "kernel.attention" in str(module)
    np.testing.assert_allclose(nnopt.reference.run(module, "f", q, k, v), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(nnopt.compile(module)(q, k, v), expected, rtol=1e-5, atol=1e-5)
