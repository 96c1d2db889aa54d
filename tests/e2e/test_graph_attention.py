"""graph.attention compiled to C against a numpy reference: masks, causal, GQA."""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.graph_programs import check_against_numpy, normal, single_op_ir
from tests.e2e.numpy_references import attention_reference

CASES = [
    # (batch, heads, kv_heads, lq, lk, depth, value depth, mask shape, scale, causal)
    (1, 2, 2, 16, 16, 8, 8, None, None, True),
    (2, 3, 3, 5, 7, 4, 6, None, None, False),
    (1, 4, 2, 6, 6, 8, 8, None, 0.3, False),
    (2, 4, 1, 3, 9, 5, 5, (3, 9), None, False),
    (1, 2, 2, 4, 4, 4, 4, (1, 2, 4, 4), None, True),
    (1, 6, 3, 5, 8, 3, 7, (6, 1, 8), 1.0, True),
    (2, 1, 1, 1, 5, 4, 4, None, None, True),
]
IDS = ["causal", "odd-lengths", "gqa-scale", "mqa-mask", "mask-and-causal", "gqa-mask-causal-lq<lk", "decode-step"]


@pytest.mark.parametrize(
    ("batch", "heads", "kv_heads", "lq", "lk", "depth", "dv", "mask_shape", "scale", "causal"),
    CASES,
    ids=IDS,
)
def test_attention(
    batch: int,
    heads: int,
    kv_heads: int,
    lq: int,
    lk: int,
    depth: int,
    dv: int,
    mask_shape: tuple[int, ...] | None,
    scale: float | None,
    causal: bool,
    rng: np.random.Generator,
) -> None:
    q = normal(rng, batch, heads, lq, depth)
    k = normal(rng, batch, kv_heads, lk, depth)
    v = normal(rng, batch, kv_heads, lk, dv)
    inputs = [q, k, v]
    mask = None
    if mask_shape is not None:
        mask = np.where(rng.random(mask_shape) < 0.2, np.float32(-1e9), normal(rng, *mask_shape))
        mask = mask.astype(np.float32)
        mask.reshape(-1, mask_shape[-1])[:, 0] = 0.0  # every row keeps a key
        inputs.append(mask)
    attrs = []
    if scale is not None:
        attrs.append(f"scale = {scale} : f32")
    if causal:
        attrs.append("causal = true")
    expected = attention_reference(q, k, v, mask, scale, causal)
    ir = single_op_ir(
        "attention", [a.shape for a in inputs], expected.shape, "{" + ", ".join(attrs) + "}" if attrs else ""
    )
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-5)


def test_attention_with_large_scores_does_not_overflow(rng: np.random.Generator) -> None:
    q = normal(rng, 1, 1, 4, 8, scale=30.0)
    k = normal(rng, 1, 1, 6, 8, scale=30.0)
    v = normal(rng, 1, 1, 6, 8)
    ir = single_op_ir("attention", [q.shape, k.shape, v.shape], (1, 1, 4, 8), "{scale = 1.0 : f32}")
    out = check_against_numpy(ir, [q, k, v], attention_reference(q, k, v, scale=1.0), rtol=1e-5, atol=1e-5)
    assert np.isfinite(out).all()


def test_causal_query_without_keys_gives_nan(rng: np.random.Generator) -> None:
    # Lq = 4 > Lk = 2: queries 0 and 1 may attend to no key (j <= i - 2).
    q, k, v = normal(rng, 1, 1, 4, 4), normal(rng, 1, 1, 2, 4), normal(rng, 1, 1, 2, 4)
    ir = single_op_ir("attention", [q.shape, k.shape, v.shape], (1, 1, 4, 4), "{causal = true}")
    with np.errstate(invalid="ignore"):
        expected = attention_reference(q, k, v, causal=True)
    assert np.isnan(expected[0, 0, :2]).all() and np.isfinite(expected[0, 0, 2:]).all()
    check_against_numpy(ir, [q, k, v], expected, rtol=1e-5, atol=1e-6)
