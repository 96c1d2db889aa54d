"""The `kernel` dialect: operations lowered by a hand-designed strategy, not by linalg.

A kernel op is in destination-passing style, like linalg: it reads its `ins`,
writes its `outs`, and on tensors returns the new value of each `outs` operand.
`bufferize` turns the tensor form into the memref form; `convert-linalg-to-affine`
lowers the memref form with the op's strategy (lowering/strategies/).

    %o = kernel.attention ins(%q, %k, %v : tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>, tensor<1x8x512x64xf32>)
                          outs(%init : tensor<1x8x512x64xf32>) {scale = 0.125 : f32, causal = true}
                          -> tensor<1x8x512x64xf32>
    kernel.attention ins(%q, %k, %v : memref<...>, memref<...>, memref<...>) outs(%o : memref<...>) {scale = 0.125 : f32}
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    BoolAttr,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    MemRefType,
    ShapedType,
    TensorType,
    UnitAttr,
    f32,
)
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException


class DestinationStyleKernel(IRDLOperation):
    """Base of kernel ops: `inputs` read, `outputs` written (returned on tensors)."""

    @property
    def inputs(self) -> Sequence[SSAValue]:
        raise NotImplementedError

    @property
    def outputs(self) -> Sequence[SSAValue]:
        raise NotImplementedError

    def reads_outputs(self) -> bool:
        """Whether the op reads the old contents of its outputs."""
        return False


@irdl_op_definition
class AttentionOp(DestinationStyleKernel):
    """Scaled dot-product attention, lowered by the flash strategy (online softmax).

    q: [B, H, Lq, D], k: [B, Hkv, Lk, D], v: [B, Hkv, Lk, Dv] (H a multiple of
    Hkv), optional additive mask broadcastable to [B, H, Lq, Lk], out: [B, H, Lq, Dv].
    With `causal`, query i sees keys j <= i + (Lk - Lq).

        kernel.attention ins(%q, %k, %v : memref<1x2x16x8xf32>, memref<1x2x16x8xf32>, memref<1x2x16x8xf32>)
                         outs(%o : memref<1x2x16x8xf32>) {scale = 0.35355339 : f32, causal = true}
    """

    name = "kernel.attention"

    query = operand_def(ShapedType)
    key = operand_def(ShapedType)
    value = operand_def(ShapedType)
    mask = opt_operand_def(ShapedType)
    out = operand_def(ShapedType)
    results_ = var_result_def(TensorType)

    scale = prop_def(FloatAttr)
    causal = prop_def(BoolAttr, default_value=IntegerAttr.from_bool(False))

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self,
        query: SSAValue,
        key: SSAValue,
        value: SSAValue,
        mask: SSAValue | None,
        out: SSAValue,
        scale: float,
        causal: bool,
    ):
        result_types = [out.type] if isinstance(out.type, TensorType) else []
        super().__init__(
            operands=[query, key, value, [mask] if mask is not None else [], out],
            result_types=[result_types],
            properties={"scale": FloatAttr(scale, f32), "causal": IntegerAttr.from_bool(causal)},
        )

    @property
    def inputs(self) -> Sequence[SSAValue]:
        return [self.query, self.key, self.value, *([self.mask] if self.mask is not None else [])]

    @property
    def outputs(self) -> Sequence[SSAValue]:
        return [self.out]

    @property
    def is_causal(self) -> bool:
        return self.causal.value.data != 0

    def verify_(self) -> None:
        shapes = []
        for name, value in (("query", self.query), ("key", self.key), ("value", self.value), ("out", self.out)):
            type_ = value.type
            if not isinstance(type_, TensorType | MemRefType) or len(type_.get_shape()) != 4:
                raise VerifyException(f"{name} must be a rank-4 tensor or memref, got {type_}")
            if not isinstance(type_.get_element_type(), Float32Type):
                raise VerifyException(f"{name} must have f32 elements")
            shapes.append(type_.get_shape())
        q, k, v, o = shapes
        if k[:2] != v[:2] or k[2] != v[2] or q[3] != k[3] or q[0] != k[0] or q[1] % k[1]:
            raise VerifyException(f"incompatible attention shapes q {q}, k {k}, v {v}")
        if o != (q[0], q[1], q[2], v[3]):
            raise VerifyException(f"out shape {o} should be {(q[0], q[1], q[2], v[3])}")
        kinds = {type(t.type) for t in (self.query, self.key, self.value, self.out)}
        if len(kinds) != 1:
            raise VerifyException("operands must be all tensors or all memrefs")
        on_tensors = isinstance(self.out.type, TensorType)
        if on_tensors != bool(self.results_) or (on_tensors and self.results_[0].type != self.out.type):
            raise VerifyException("on tensors the op returns the new out value; on memrefs nothing")

    @classmethod
    def parse(cls, parser: Parser) -> AttentionOp:
        parser.parse_keyword("ins")
        ins = _parse_operand_group(parser)
        parser.parse_keyword("outs")
        outs = _parse_operand_group(parser)
        attributes = parser.parse_optional_attr_dict()
        if parser.parse_optional_punctuation("->") is not None:
            parser.parse_type()
        if len(ins) not in (3, 4) or len(outs) != 1:
            parser.raise_error("kernel.attention takes ins(q, k, v[, mask]) and outs(out)")
        scale = attributes.pop("scale", None)
        causal = attributes.pop("causal", None)
        if not isinstance(scale, FloatAttr):
            parser.raise_error("kernel.attention needs a `scale` float attribute")
        is_causal = isinstance(causal, IntegerAttr | UnitAttr) and (isinstance(causal, UnitAttr) or causal.value.data != 0)
        op = AttentionOp(ins[0], ins[1], ins[2], ins[3] if len(ins) == 4 else None, outs[0], float(scale.value.data), is_causal)
        op.attributes |= attributes
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ins(")
        printer.print_list(self.inputs, printer.print_operand)
        printer.print_string(" : ")
        printer.print_list([v.type for v in self.inputs], printer.print_attribute)
        printer.print_string(") outs(")
        printer.print_operand(self.out)
        printer.print_string(" : ")
        printer.print_attribute(self.out.type)
        printer.print_string(f") {{scale = {float(self.scale.value.data)!r} : f32")
        if self.is_causal:
            printer.print_string(", causal = true")
        printer.print_string("}")
        if self.results_:
            printer.print_string(" -> ")
            printer.print_attribute(self.results_[0].type)


def _parse_operand_group(parser: Parser) -> list[SSAValue]:
    parser.parse_punctuation("(")
    unresolved = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_unresolved_operand)
    parser.parse_punctuation(":")
    types: list[Attribute] = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    if len(types) != len(unresolved):
        parser.raise_error(f"expected {len(unresolved)} types, got {len(types)}")
    return [parser.resolve_operand(u, t) for u, t in zip(unresolved, types, strict=True)]


Kernel = Dialect("kernel", [AttentionOp], [])

__all__ = ["AttentionOp", "DestinationStyleKernel", "Kernel"]
