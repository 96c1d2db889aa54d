"""graph-fuse-epilogue: group a contraction with the elementwise ops applied to its result.

conv2d, conv2d_nchwc, matmul or gemm followed by elementwise ops (a bias add, an
activation: relu, gelu, sigmoid, tanh, clip, ...) that each take the previous
result as their only consumer and keep its shape become one graph.fused op;
its lowering emits the contraction and the epilogue as one loop nest (see
lowering/fusion_group.py).

    %m = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    %s = graph.add %m, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    %r = graph.relu %s : (tensor<4x16xf32>) -> tensor<4x16xf32>
becomes
    %r = graph.fused %a, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> {
    ^bb0(%0: tensor<4x8xf32>, %1: tensor<8x16xf32>, %2: tensor<16xf32>):
      %m = graph.matmul %0, %1 : ...
      %s = graph.add %m, %2 : ...
      %r = graph.relu %s : ...
      graph.yield %r : tensor<4x16xf32>
    }

The chain stops at an op that is not elementwise, at a result with several
users, and at an op that broadcasts the result to a larger shape (the last two
with a remark): the epilogue must read the contraction's output at the same
index only.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects import graph
from nnopt.support.diagnostics import emit_remark

CONTRACTIONS = (graph.Conv2dOp, graph.Conv2dNchwcOp, graph.MatmulOp, graph.GemmOp)
EPILOGUE_OPS = (graph.ElementwiseUnaryOp, graph.ElementwiseBinaryOp)


def _sole_user(value: SSAValue) -> Operation | None:
    """The one op using `value` (possibly as several operands), if there is one."""
    users = {use.operation for use in value.uses}
    return users.pop() if len(users) == 1 else None


def epilogue_of(contraction: Operation) -> tuple[list[Operation], str | None]:
    """The elementwise ops to fuse after `contraction`, in order, and why the chain
    stops if that is worth a remark."""
    chain: list[Operation] = []
    current = contraction.results[0]
    while True:
        users = {use.operation for use in current.uses}
        user = _sole_user(current)
        if user is None:
            if any(isinstance(u, EPILOGUE_OPS) for u in users):
                name = f"%{current.name_hint}" if current.name_hint else "the result"
                return chain, f"{name} has {len(users)} users"
            return chain, None
        if not isinstance(user, EPILOGUE_OPS) or user.parent_block() is not contraction.parent_block():
            return chain, None
        if user.results[0].type != current.type:
            return chain, f"'{user.name}' broadcasts the result to {user.results[0].type}"
        chain.append(user)
        current = user.results[0]


def fuse(contraction: Operation, epilogue: list[Operation]) -> graph.FusedOp:
    """Replace `contraction` and `epilogue` by one graph.fused op at the last one's place."""
    members = [contraction, *epilogue]
    inside = {r for op in members for r in op.results}
    inputs = list(dict.fromkeys(v for op in members for v in op.operands if v not in inside))
    block = Block(arg_types=[v.type for v in inputs])
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, value in zip(block.args, inputs, strict=True):
        arg.name_hint = value.name_hint
        mapping[value] = arg
    for op in members:
        block.add_op(op.clone(value_mapper=mapping))
    last = members[-1].results[0]
    block.add_op(graph.YieldOp(mapping[last]))
    fused = graph.FusedOp.build(
        operands=[inputs], result_types=[last.type], regions=[Region(block)]
    )
    fused.location = contraction.location
    Builder(InsertPoint.before(members[-1])).insert(fused)
    fused.result.name_hint = last.name_hint
    last.replace_all_uses_with(fused.result)
    for op in reversed(members):
        Rewriter.erase_op(op)
    return fused


@dataclass(frozen=True)
class GraphFuseEpilogue(ModulePass):
    """Group conv2d/matmul/gemm with their elementwise epilogue into graph.fused."""

    name = "graph-fuse-epilogue"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        contractions = [
            o
            for o in op.walk()
            if isinstance(o, CONTRACTIONS) and not isinstance(o.parent_op(), graph.FusedOp)
        ]
        for contraction in contractions:
            epilogue, stop = epilogue_of(contraction)
            if stop is not None:
                emit_remark(contraction, f"epilogue fusion stops: {stop}")
            if epilogue:
                fuse(contraction, epilogue)
