"""Parsing: hexadecimal elements of float dense literals are bit patterns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnopt.dialects import graph
from nnopt.passes.graph.constants import constant_array
from nnopt.registry import make_context
from nnopt.support.diagnostics import CompileError
from nnopt.support.parsing import parse_module


def _constant(text: str) -> np.ndarray:
    module = parse_module(make_context(), text)
    [op] = [o for o in module.walk() if isinstance(o, graph.ConstantOp)]
    value = constant_array(op.result)
    assert value is not None
    return value


def test_hexadecimal_elements_are_bit_patterns() -> None:
    value = _constant(
        "%c = graph.constant dense<[0xFF800000, 0x7FC00000, 0x4B800000, -0.0, 3]> : tensor<5xf32>"
    )
    assert value[0] == -math.inf
    assert math.isnan(value[1])
    assert value[2] == 2.0**24
    assert value[3] == 0.0 and math.copysign(1.0, value[3]) == -1.0
    assert value[4] == 3.0


def test_hexadecimal_splat_of_f16() -> None:
    value = _constant("%c = graph.constant dense<0x3C00> : tensor<2x2xf16>")
    assert value.dtype == np.float16
    assert (value == 1.0).all()


def test_hexadecimal_element_wider_than_its_type_is_an_error() -> None:
    with pytest.raises(CompileError, match="hexadecimal float literal does not fit f32"):
        parse_module(make_context(), "%c = graph.constant dense<0x1FF800000> : tensor<2xf32>")
