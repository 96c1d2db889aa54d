"""graph-layout-nchwc: run convolutions and the elementwise ops after them in blocked layout.

Every graph.conv2d whose input and output channels are multiples of `block` (c)
becomes graph.conv2d_nchwc on [N, C/c, H, W, c] tensors, with weights in
[F/c, C/c, KH, KW, c, c] and the bias in [F/c, c]. Elementwise ops whose
operands are already blocked stay blocked (a same-shape NCHW operand, or a
per-channel or scalar one, is brought to the blocked layout), so a chain of
convolutions and elementwise ops converts its input once where it enters and
each result once where something outside the chain reads it:

    %c = graph.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x8x8xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
    %r = graph.relu %c : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
becomes
    %xb = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (...) -> tensor<1x2x8x8x16xf32>
    %wb = graph.layout %w {from = "OIHW", to = "OIHW16i16o"} : (...) -> tensor<2x2x3x3x16x16xf32>
    %bb = graph.layout %b {from = "C", to = "C16c"} : (tensor<32xf32>) -> tensor<2x16xf32>
    %c = graph.conv2d_nchwc %xb, %wb, %bb {pads = array<i64: 1, 1, 1, 1>} : (...) -> tensor<1x2x8x8x16xf32>
    %r = graph.relu %c : (tensor<1x2x8x8x16xf32>) -> tensor<1x2x8x8x16xf32>
    %r_nchw = graph.layout %r {from = "NCHW16c", to = "NCHW"} : (...) -> tensor<1x32x8x8xf32>

Constant weights and biases become blocked constants under graph-constant-fold.
Grouped convolutions and channel counts that are not multiples of the block are
left in NCHW, with a remark. Ops inside graph.fused are left alone: run this
pass before graph-fuse-epilogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr, TensorType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import graph
from nnopt.dialects.graph.base import integer
from nnopt.support.diagnostics import CompileError, emit_remark


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return value.type.get_shape()


@dataclass
class _Blocking:
    """Rewrites one block; `blocked` maps NCHW values to their blocked twins."""

    block: Block
    size: int
    blocked: dict[SSAValue, SSAValue] = field(default_factory=dict)
    conversions: dict[tuple[SSAValue, str], SSAValue] = field(default_factory=dict)
    rewritten: list[Operation] = field(default_factory=list)
    last_argument_conversion: Operation | None = None

    def _insert_after_definition(self, value: SSAValue, op: Operation) -> None:
        """Insert `op` right after `value` is defined (block arguments: in order, at the top)."""
        owner = value.owner
        if isinstance(owner, Operation):
            Builder(InsertPoint.after(owner)).insert(op)
            return
        if self.last_argument_conversion is not None:
            Builder(InsertPoint.after(self.last_argument_conversion)).insert(op)
        else:
            Builder(InsertPoint.at_start(self.block)).insert(op)
        self.last_argument_conversion = op

    def convert(self, value: SSAValue, source: str, target: str) -> SSAValue:
        """`value` in layout `target` (one graph.layout after its definition, shared)."""
        key = (value, target)
        if key not in self.conversions:
            op = graph.LayoutOp.inferred(
                [value], {"from": StringAttr(source), "to": StringAttr(target)}
            )
            self._insert_after_definition(value, op)
            if value.name_hint:
                op.result.name_hint = f"{value.name_hint}_{target.lower()}"
            self.conversions[key] = op.result
        return self.conversions[key]

    def reshaped(self, value: SSAValue, shape: tuple[int, ...]) -> SSAValue:
        if _shape(value) == shape:
            return value
        assert isinstance(value.type, TensorType)
        op = graph.ReshapeOp.build(
            operands=[value], result_types=[TensorType(value.type.element_type, shape)]
        )
        self._insert_after_definition(value, op)
        return op.result

    @property
    def activation(self) -> str:
        return f"NCHW{self.size}c"

    def blocked_operand(self, value: SSAValue, logical: tuple[int, ...]) -> SSAValue | None:
        """`value` as an operand of an op on blocked tensors of NCHW shape `logical`."""
        if value in self.blocked:
            return self.blocked[value]
        shape = _shape(value)
        if len(shape) > 4:
            return None
        shape4 = (1,) * (4 - len(shape)) + shape
        if all(d == 1 for d in shape4):
            return value  # broadcasts against any blocked shape as it is
        if shape4[1] == logical[1]:
            return self.convert(self.reshaped(value, shape4), "NCHW", self.activation)
        if shape4[1] == 1:
            return self.reshaped(value, (shape4[0], 1, shape4[2], shape4[3], 1))
        return None

    def conv(self, op: graph.Conv2dOp) -> Operation | None:
        filters, channels = _shape(op.weight)[0], _shape(op.input)[1]
        if integer(op.group) != 1:
            emit_remark(op, f"not blocked: grouped convolutions (group {integer(op.group)}) stay NCHW")
            return None
        if channels % self.size or filters % self.size:
            emit_remark(
                op,
                f"not blocked: {channels} input and {filters} output channels are not both "
                f"multiples of the block {self.size}",
            )
            return None
        x = self.blocked.get(op.input)
        if x is None:
            x = self.convert(op.input, "NCHW", self.activation)
        w = self.convert(op.weight, "OIHW", f"OIHW{self.size}i{self.size}o")
        bias = [] if op.bias is None else [self.convert(op.bias, "C", f"C{self.size}c")]
        properties = {
            name: op.properties[name] for name in ("strides", "pads", "dilations")
        }
        return graph.Conv2dNchwcOp.inferred([x, w, bias], properties)

    def elementwise(self, op: graph.ElementwiseUnaryOp | graph.ElementwiseBinaryOp) -> Operation | None:
        if not any(v in self.blocked for v in op.operands):
            return None
        logical = _shape(op.results[0])
        if any(v in self.blocked and _shape(v) != logical for v in op.operands):
            return None  # the op broadcasts a blocked value: leave it in NCHW
        operands = [self.blocked_operand(v, logical) for v in op.operands]
        if any(v is None for v in operands):
            return None
        blocked_type = next(self.blocked[v].type for v in op.operands if v in self.blocked)
        return type(op).build(
            operands=operands,
            properties=dict(op.properties),
            attributes=dict(op.attributes),
            result_types=[blocked_type],
        )

    def run(self) -> None:
        for op in list(self.block.ops):
            if isinstance(op, graph.Conv2dOp) and len(_shape(op.input)) == 4:
                new = self.conv(op)
            elif isinstance(op, graph.ElementwiseUnaryOp | graph.ElementwiseBinaryOp):
                new = self.elementwise(op)
            else:
                new = None
            if new is None:
                continue
            new.location = op.location
            Builder(InsertPoint.before(op)).insert(new)
            new.results[0].name_hint = op.results[0].name_hint
            self.blocked[op.results[0]] = new.results[0]
            self.rewritten.append(op)
        for op in reversed(self.rewritten):
            result = op.results[0]
            if result.uses:
                twin = self.blocked[result]
                back = graph.LayoutOp.inferred(
                    [twin], {"from": StringAttr(self.activation), "to": StringAttr("NCHW")}
                )
                Builder(InsertPoint.after(twin.owner)).insert(back)  # type: ignore[arg-type]
                back.result.name_hint = f"{result.name_hint}_nchw" if result.name_hint else None
                result.replace_all_uses_with(back.result)
            Rewriter.erase_op(op)


@dataclass(frozen=True)
class GraphLayoutNchwc(ModulePass):
    """Rewrite conv2d chains to the blocked NCHWc layout (graph.conv2d_nchwc, graph.layout)."""

    name = "graph-layout-nchwc"

    block: int = 16
    """Channels per block (c in NCHWc)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.block < 1:
            raise CompileError(f"graph-layout-nchwc: block must be at least 1, got {self.block}")
        for function in [f for f in op.body.block.ops if isinstance(f, func.FuncOp)]:
            if not function.is_declaration:
                _Blocking(function.body.block, self.block).run()
