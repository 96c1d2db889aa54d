"""graph.fused: graph ops grouped to be lowered as one loop nest, and its graph.yield.

    %y = graph.fused %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
    ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>, %c: tensor<16xf32>):
      %0 = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
      %1 = graph.add %0, %c : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
      %2 = graph.relu %1 : (tensor<4x16xf32>) -> tensor<4x16xf32>
      graph.yield %2 : tensor<4x16xf32>
    }

The region is isolated from above: its block arguments stand for the operands,
in order, and the value yielded is the result. It means exactly what its body
means; the grouping only tells the lowering which ops to emit together.
"""

from __future__ import annotations

from xdsl.ir import SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import HasParent, IsolatedFromAbove, IsTerminator, Pure, is_side_effect_free
from xdsl.utils.exceptions import VerifyException

from nnopt.dialects.graph.base import TensorF, static_float_tensor


@irdl_op_definition
class FusedOp(IRDLOperation):
    """Graph ops grouped so that the lowering emits them as one loop nest.

    One block whose arguments match the operands; it ends with graph.yield of one
    value, the result. Every op inside is a side-effect-free graph op.

        %y = graph.fused %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32> {
        ^bb0(%a: tensor<4x8xf32>, %k: tensor<8x16xf32>):
          %0 = graph.matmul %a, %k : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
          %1 = graph.relu %0 : (tensor<4x16xf32>) -> tensor<4x16xf32>
          graph.yield %1 : tensor<4x16xf32>
        }
    """

    name = "graph.fused"

    inputs = var_operand_def(TensorF)
    result = result_def(TensorF)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), Pure())
    assembly_format = "$inputs attr-dict `:` functional-type($inputs, $result) $body"

    def yielded(self) -> SSAValue:
        """The value the body yields (the result, inside the region)."""
        terminator = self.body.block.last_op
        assert terminator is not None
        return terminator.operands[0]

    def verify_(self) -> None:
        result_type = static_float_tensor(self.result, "result")
        block = self.body.block
        arg_types = [a.type for a in block.args]
        operand_types = [o.type for o in self.inputs]
        if arg_types != operand_types:
            raise VerifyException(
                "block argument types ("
                + ", ".join(str(t) for t in arg_types)
                + ") must match the operand types ("
                + ", ".join(str(t) for t in operand_types)
                + ")"
            )
        terminator = block.last_op
        if terminator is None or terminator.name != "graph.yield":
            raise VerifyException("the body must end with graph.yield")
        yielded = [v.type for v in terminator.operands]
        if yielded != [result_type]:
            raise VerifyException(
                f"graph.yield must yield one value of the result type {result_type}, got "
                + ", ".join(str(t) for t in yielded)
            )
        for inner in block.ops:
            if inner is terminator:
                continue
            if inner.dialect_name() != "graph" or isinstance(inner, FusedOp):
                raise VerifyException(
                    f"may hold only graph ops other than graph.fused, found '{inner.name}'"
                )
            if not is_side_effect_free(inner):
                raise VerifyException(f"may hold only side-effect-free ops, found '{inner.name}'")


@irdl_op_definition
class YieldOp(IRDLOperation):
    """The value a graph.fused region produces.

        graph.yield %2 : tensor<4x16xf32>
    """

    name = "graph.yield"

    values = var_operand_def(TensorF)

    traits = traits_def(IsTerminator(), HasParent(FusedOp), Pure())
    assembly_format = "$values attr-dict `:` type($values)"

    def __init__(self, *values: SSAValue) -> None:
        super().__init__(operands=[list(values)])
