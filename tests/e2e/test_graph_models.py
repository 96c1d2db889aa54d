"""Whole blocks written in graph IR (examples/) compiled to C and checked against numpy."""

from __future__ import annotations

import numpy as np

from tests.conftest import REPO
from tests.e2e.graph_programs import check_against_numpy, normal, positive
from tests.e2e.numpy_references import (
    attention_reference,
    batch_norm_reference,
    conv2d_reference,
    gelu_reference,
    layer_norm_reference,
    max_pool_reference,
    softmax_reference,
)


def test_resnet_block(rng: np.random.Generator) -> None:
    x = normal(rng, 1, 4, 16, 16)
    w1, c1 = normal(rng, 8, 4, 3, 3, scale=0.3), normal(rng, 8)
    bn1 = [normal(rng, 8), normal(rng, 8), normal(rng, 8), positive(rng, 8)]
    w2 = normal(rng, 8, 8, 3, 3, scale=0.2)
    bn2 = [normal(rng, 8), normal(rng, 8), normal(rng, 8), positive(rng, 8)]
    wd = normal(rng, 8, 4, 1, 1)
    fc, fcb = normal(rng, 10, 8), normal(rng, 10)

    p = max_pool_reference(x, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1))
    a = conv2d_reference(p, w1, c1, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    a = np.maximum(batch_norm_reference(a, *bn1, 1e-5), 0)
    b = conv2d_reference(a, w2, None, (1, 1), (1, 1, 1, 1), (1, 1), 1)
    b = batch_norm_reference(b, *bn2, 1e-5)
    shortcut = conv2d_reference(p, wd, None, (1, 1), (0, 0, 0, 0), (1, 1), 1)
    r = np.maximum(b + shortcut, 0)
    features = r.mean(axis=(2, 3))
    expected = softmax_reference(features @ fc.T.astype(np.float64) + fcb, -1)

    ir = (REPO / "examples" / "resnet_block.mlir").read_text()
    inputs = [x, w1, c1, *bn1, w2, *bn2, wd, fc, fcb]
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-6)


def test_encoder_block(rng: np.random.Generator) -> None:
    x = normal(rng, 1, 6, 8)
    g1, e1 = normal(rng, 8), normal(rng, 8)
    wq, wk, wv, wo = (normal(rng, 8, 8, scale=0.5) for _ in range(4))
    bo = normal(rng, 8)
    g2, e2 = normal(rng, 8), normal(rng, 8)
    w1, b1 = normal(rng, 8, 16, scale=0.5), normal(rng, 16)
    w2, b2 = normal(rng, 16, 8, scale=0.5), normal(rng, 8)

    def heads(t: np.ndarray) -> np.ndarray:
        return t.reshape(1, 6, 2, 4).transpose(0, 2, 1, 3)

    n1 = layer_norm_reference(x, g1, e1, -1, 1e-5)
    att = attention_reference(heads(n1 @ wq), heads(n1 @ wk), heads(n1 @ wv))
    h = x + att.transpose(0, 2, 1, 3).reshape(1, 6, 8) @ wo + bo
    n2 = layer_norm_reference(h, g2, e2, -1, 1e-5)
    expected = h + gelu_reference(n2 @ w1 + b1) @ w2 + b2

    ir = (REPO / "examples" / "encoder_block.mlir").read_text()
    inputs = [x, g1, e1, wq, wk, wv, wo, bo, g2, e2, w1, b1, w2, b2]
    check_against_numpy(ir, inputs, expected, rtol=1e-5, atol=1e-5)
