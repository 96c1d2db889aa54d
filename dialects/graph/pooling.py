"""Pooling over the spatial dims of N x C x D1 x ... x Dk tensors (ONNX pooling ops).

    %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
    %a = graph.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
    %g = graph.global_avg_pool %x : (tensor<1x8x16x16xf32>) -> tensor<1x8x1x1xf32>
"""

from __future__ import annotations

from abc import ABC

from xdsl.dialects.builtin import AnyFloat, BoolAttr, DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import GraphOp, TensorF, ints, shape_of
from nnopt.dialects.shapes import format_shape, window_output_shape


def spatial_shape(op: GraphOp) -> tuple[int, ...]:
    """The spatial dims of an N x C x D1 x ... x Dk input (VerifyException below rank 3)."""
    shape = shape_of(op.operands[0], "input")
    if len(shape) < 3:
        raise VerifyException(
            f"input must be N x C x D1 x ... (rank >= 3), got {format_shape(shape)}"
        )
    return shape[2:]


class WindowPoolOp(GraphOp, ABC):
    """Base of max_pool and avg_pool: a (dilated) kernel window slid over the spatial dims.

    `kernel_shape` is required; `strides` and `dilations` default to 1, `pads`
    ([begins..., ends...], as ONNX orders them) to 0. A pad must be smaller than
    the window it pads.
    """

    input = operand_def(TensorF)
    result = result_def(TensorF)

    kernel_shape = prop_def(DenseArrayBase.constr(i64))
    strides = opt_prop_def(DenseArrayBase.constr(i64))
    pads = opt_prop_def(DenseArrayBase.constr(i64))
    dilations = opt_prop_def(DenseArrayBase.constr(i64))

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def window_dilations(self) -> tuple[int, ...]:
        return ints(self.dilations, (1,) * len(ints(self.kernel_shape)))

    def window(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """(kernel, strides, pads, dilations) with defaults filled in."""
        kernel = ints(self.kernel_shape)
        rank = len(kernel)
        return (
            kernel,
            ints(self.strides, (1,) * rank),
            ints(self.pads, (0,) * (2 * rank)),
            self.window_dilations(),
        )

    def infer_result_type(self) -> TensorType[AnyFloat]:
        spatial = spatial_shape(self)
        kernel, strides, pads, dilations = self.window()
        if len(kernel) != len(spatial):
            raise VerifyException(
                f"kernel_shape has {len(kernel)} values for {len(spatial)} spatial dimensions"
            )
        out = window_output_shape(spatial, kernel, strides, pads, dilations)
        rank = len(kernel)
        for i in range(rank):
            extent = dilations[i] * (kernel[i] - 1) + 1
            if max(pads[i], pads[rank + i]) >= extent:
                raise VerifyException(
                    f"pads {list(pads)} must be smaller than the window ({extent}) "
                    f"in spatial dimension {i}"
                )
        shape = shape_of(self.input, "input")
        return TensorType(self.element_type(), (*shape[:2], *out))


@irdl_op_definition
class MaxPoolOp(WindowPoolOp):
    """The maximum of each (dilated) window; padding never wins (ONNX MaxPool).

    NaN propagates, as in numpy.max.

        %m = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
    """

    name = "graph.max_pool"


@irdl_op_definition
class AvgPoolOp(WindowPoolOp):
    """The mean of each (dilated) window (ONNX AveragePool).

    With `count_include_pad = false` (the default) padded positions are left out of
    the count; with true, every window divides by the kernel size.

        %a = graph.avg_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
        %d = graph.avg_pool %x {kernel_shape = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x14x14xf32>
    """

    name = "graph.avg_pool"

    count_include_pad = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(False))


@irdl_op_definition
class GlobalAvgPoolOp(GraphOp):
    """The mean over all spatial dims, which become 1 (ONNX GlobalAveragePool).

        %g = graph.global_avg_pool %x : (tensor<2x8x7x7xf32>) -> tensor<2x8x1x1xf32>
    """

    name = "graph.global_avg_pool"

    input = operand_def(TensorF)
    result = result_def(TensorF)

    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_result_type(self) -> TensorType[AnyFloat]:
        spatial = spatial_shape(self)
        shape = shape_of(self.input, "input")
        return TensorType(self.element_type(), (*shape[:2], *([1] * len(spatial))))
