"""An out-of-tree nn-opt plugin: the `ex` dialect (softsign), a rewrite, a lowering, its C."""
from dataclasses import dataclass

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import AnyFloatConstr, FloatAttr, TensorType
from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation, VarConstraint, base, irdl_op_definition, operand_def, result_def
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import Rewriter

from nnopt.lowering.c_emitter.registry import emits
from nnopt.lowering.structured import StructuredBuilder
from nnopt.registry import register_dialect, register_pass

TENSOR, FLOAT = VarConstraint("T", base(TensorType)), VarConstraint("T", AnyFloatConstr)


@irdl_op_definition
class Softsign(IRDLOperation):
    """x / (1 + |x|) on every element: `%y = ex.softsign %x : tensor<4xf32>`."""
    name, assembly_format = "ex.softsign", "$x attr-dict `:` type($x)"
    x, y = operand_def(TENSOR), result_def(TENSOR)


@irdl_op_definition
class SoftsignF(IRDLOperation):
    """x / (1 + |x|) on one float: `%y = ex.softsign_f %x : f32`."""
    name, assembly_format = "ex.softsign_f", "$x attr-dict `:` type($x)"
    x, y = operand_def(FLOAT), result_def(FLOAT)


@register_pass
@dataclass(frozen=True)
class ConvertExToLinalg(ModulePass):
    """Lower ex.softsign on tensors to a linalg.generic that applies ex.softsign_f."""
    name = "convert-ex-to-linalg"

    def apply(self, ctx, op):
        for s in [o for o in op.walk() if isinstance(o, Softsign)]:
            def body(b, args):
                return [b.insert(SoftsignF(operands=args[:1], result_types=[args[0].type]))]
            Rewriter.replace_op(s, [], [StructuredBuilder.before(s).elementwise([s.x], s.y.type, body)])


class ExpandSoftsignF(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SoftsignF, rewriter: PatternRewriter):
        one, abs_ = arith.ConstantOp(FloatAttr(1.0, op.x.type)), math.AbsFOp(op.x)
        rewriter.replace_op(op, [one, abs_, den := arith.AddfOp(one, abs_), arith.DivfOp(op.x, den)])


@register_pass
@dataclass(frozen=True)
class ExExpandSoftsign(ModulePass):
    """Rewrite ex.softsign_f into arith and math ops (then no C handler is needed)."""
    name = "ex-expand-softsign"

    def apply(self, ctx, op):
        PatternRewriteWalker(ExpandSoftsignF()).rewrite_module(op)


@emits(SoftsignF)
def softsign_in_c(e, op):
    e.define(op.y, "{0} / (1 + fabs{1}({0}))".format(e.expr(op.x), "f" if op.x.type.bitwidth == 32 else ""))


register_dialect(Dialect("ex", [Softsign, SoftsignF]))
