"""graph.attention: scaled dot-product attention on [B, H, L, D] tensors.

    %o = graph.attention %q, %k, %v {causal = true} : (tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32>
"""

from __future__ import annotations

from xdsl.dialects.builtin import AnyFloat, BoolAttr, FloatAttr, IntegerAttr, TensorType
from xdsl.irdl import (
    AttrSizedOperandSegments,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import GraphOp, TensorF, shape_of, syntax_with_optional_operand
from nnopt.dialects.shapes import check_broadcastable_to, format_shape


@irdl_op_definition
class AttentionOp(GraphOp):
    """softmax(q k^T * scale + mask) v, per batch and head.

    q is [B, H, Lq, D], k is [B, Hkv, Lk, D] and v is [B, Hkv, Lk, Dv]; Hkv divides
    H and query head h reads key/value head h / (H / Hkv) (grouped-query attention;
    Hkv = 1 is multi-query). The optional additive `mask` broadcasts to
    [B, H, Lq, Lk]. `scale` defaults to 1 / sqrt(D). With `causal`, query i attends
    only to keys j <= i + (Lk - Lq); a query that attends to no key gives NaN.
    The softmax subtracts the row maximum, so large scores do not overflow.
    The result is [B, H, Lq, Dv].

        %o = graph.attention %q, %k, %v, %m {scale = 0.125 : f32} : (tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>, tensor<8x8xf32>) -> tensor<2x4x8x16xf32>
        %o = graph.attention %q, %k, %v {causal = true} : (tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32>
    """

    name = "graph.attention"

    query = operand_def(TensorF)
    key = operand_def(TensorF)
    value = operand_def(TensorF)
    mask = opt_operand_def(TensorF)
    result = result_def(TensorF)

    scale = opt_prop_def(FloatAttr)
    causal = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(False))

    irdl_options = (ParsePropInAttrDict(), AttrSizedOperandSegments(as_property=True))
    traits = traits_def(Pure())
    assembly_format = syntax_with_optional_operand(["query", "key", "value"], "mask")

    def scale_value(self) -> float:
        """The score scale: the `scale` property, or 1 / sqrt(D)."""
        if self.scale is not None:
            return float(self.scale.value.data)
        return float(shape_of(self.query, "query")[3]) ** -0.5

    def infer_result_type(self) -> TensorType[AnyFloat]:
        q = shape_of(self.query, "query")
        k = shape_of(self.key, "key")
        v = shape_of(self.value, "value")
        for name, shape in (("query", q), ("key", k), ("value", v)):
            if len(shape) != 4:
                raise VerifyException(
                    f"{name} must be [batch, heads, length, depth] (rank 4), "
                    f"got {format_shape(shape)}"
                )
        (batch, heads, lq, depth), (kb, kv_heads, lk, kd), (vb, vh, vl, dv) = q, k, v
        if kb != batch or vb != batch:
            raise VerifyException(
                f"query, key and value must have one batch size, got {batch}, {kb}, {vb}"
            )
        if kd != depth:
            raise VerifyException(f"key depth {kd} differs from query depth {depth}")
        if (vh, vl) != (kv_heads, lk):
            raise VerifyException(
                f"value heads and length ({vh}, {vl}) differ from key heads and length "
                f"({kv_heads}, {lk})"
            )
        if heads % kv_heads:
            raise VerifyException(
                f"key/value heads ({kv_heads}) must divide query heads ({heads})"
            )
        if self.mask is not None:
            check_broadcastable_to(shape_of(self.mask, "mask"), (batch, heads, lq, lk), "mask")
        return TensorType(self.element_type(), (batch, heads, lq, dv))
