"""ONNX op converters by family; importing this package fills the converter table."""

from nnopt.lowering.onnx_to_graph.converters import (
    attention,
    constants,
    convolution,
    data_movement,
    elementwise,
    linear,
    normalization,
    pooling,
    reduction,
)

__all__ = [
    "attention",
    "constants",
    "convolution",
    "data_movement",
    "elementwise",
    "linear",
    "normalization",
    "pooling",
    "reduction",
]
