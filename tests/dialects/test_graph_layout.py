"""Blocked layouts of graph.layout: parsing, shapes, and where each element is read from."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.layout import Layout
from nnopt.passes.graph.semantics.layout import relayout


def test_parse_names_dims_and_blocks() -> None:
    layout = Layout.parse("OIHW16i8o")
    assert layout.dims == (("O", None), ("I", None), ("H", None), ("W", None), ("I", 16), ("O", 8))
    assert layout.extents((2, 3, 5, 5, 16, 8)) == {"O": 16, "I": 48, "H": 5, "W": 5}
    assert Layout.parse("NCHW").shape({"N": 1, "C": 32, "H": 4, "W": 4}) == (1, 32, 4, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NCHW16", "malformed"),
        ("NCCHW", "name each dimension once"),
        ("NCHW8c4c", "blocks dimension 'C' more than once"),
        ("NHW8c", "without naming it"),
        ("NCHW0c", "block factor below 1"),
    ],
)
def test_parse_rejects_malformed_layouts(text: str, message: str) -> None:
    with pytest.raises(VerifyException, match=message):
        Layout.parse(text)


@pytest.mark.parametrize(
    ("source", "target", "shape"),
    [
        ("NCHW", "NCHW8c", (2, 16, 3, 5)),
        ("NCHW8c", "NCHW4c", (1, 2, 3, 3, 8)),
        ("OIHW", "OIHW4i8o", (16, 8, 3, 1)),
        ("NCHW", "NHWC", (1, 4, 2, 3)),
    ],
)
def test_relayout_round_trips_and_matches_reshape_transpose(
    source: str, target: str, shape: tuple[int, ...]
) -> None:
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    extents = Layout.parse(source).extents(shape)
    target_shape = Layout.parse(target).shape(extents)
    there = relayout(x, source, target, target_shape)
    assert there.shape == target_shape
    assert sorted(there.ravel()) == sorted(x.ravel())
    np.testing.assert_array_equal(relayout(there, target, source, shape), x)


def test_nchw16c_is_the_usual_blocking() -> None:
    x = np.arange(1 * 32 * 2 * 2, dtype=np.float64).reshape(1, 32, 2, 2)
    blocked = relayout(x, "NCHW", "NCHW16c", (1, 2, 2, 2, 16))
    expected = x.reshape(1, 2, 16, 2, 2).transpose(0, 1, 3, 4, 2)
    np.testing.assert_array_equal(blocked, expected)
