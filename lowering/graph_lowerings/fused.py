"""graph.fused -> its body's lowerings, the accumulator chain marked as one fusion group.

    %y = graph.fused %a, %b, %bias : (...) -> tensor<4x16xf32> {
      %0 = graph.matmul ... ; %1 = graph.add %0, %c ... ; %2 = graph.relu %1 ...
      graph.yield %2
    }
becomes the lowerings of matmul, add and relu in place of the op, with the chain
that carries the result marked:

    %z = linalg.fill ins(%cst) outs(%e)                  {nnopt.fusion_group = 0 : i64}
    %0 = linalg.generic {... reduction ...} outs(%z)     {nnopt.fusion_group = 0 : i64}
    %1 = linalg.generic {... add ...} ins(%0, %bias)     {nnopt.fusion_group = 0 : i64}
    %2 = linalg.generic {... relu ...} ins(%1)           {nnopt.fusion_group = 0 : i64}

The chain is followed back from the yielded value: elementwise generics, each
reading the previous one, up to one contraction (a generic with reduction
loops), plus the op that initialises its accumulator. Ops of the body that feed
the chain from the side (the padding of a convolution's input) are not marked.
When the body is not such a chain, a remark says so and nothing is marked:
convert-linalg-to-affine then emits each op on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint

from nnopt.dialects import graph
from nnopt.lowering.fusion_group import FUSION_GROUP_ATTR, fusion_group
from nnopt.lowering.graph_lowerings import lower_graph_op, lowers
from nnopt.lowering.structured import StructuredBuilder
from nnopt.support.diagnostics import emit_remark


def _has_reduction(op: LinalgStructuredOperation) -> bool:
    return any(it.data == IteratorType.REDUCTION for it in op.get_iterator_types())


def accumulator_chain(result: SSAValue, created: set[Operation]) -> list[Operation] | str:
    """The linalg ops (among `created`) that carry `result`, first to last, or why there are none."""
    chain: list[Operation] = []
    value = result
    while True:
        owner = value.owner
        if not isinstance(owner, LinalgStructuredOperation) or owner not in created:
            return "the result is not computed by the body's linalg ops"
        chain.append(owner)
        if _has_reduction(owner):
            init = owner.outputs[0].owner if len(owner.outputs) == 1 else None
            if (
                isinstance(init, LinalgStructuredOperation)
                and init in created
                and not _has_reduction(init)
            ):
                chain.append(init)
            return list(reversed(chain))
        producers = [
            v for v in owner.inputs if isinstance(v.owner, LinalgStructuredOperation) and v.owner in created
        ]
        if len(set(producers)) != 1:
            return "an elementwise op of the body does not extend a single chain"
        value = producers[0]


def _next_group_id(op: Operation) -> int:
    """A fusion-group number not used yet in `op`'s top-level ancestor."""
    top = op
    while (parent := top.parent_op()) is not None:
        top = parent
    used = [g for o in top.walk() if (g := fusion_group(o)) is not None]
    return max(used, default=-1) + 1


@lowers(graph.FusedOp)
def _fused(op: graph.FusedOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    block = op.body.block
    for arg, operand in zip(block.args, op.inputs, strict=True):
        arg.replace_all_uses_with(operand)
    inner_ops = [o for o in block.ops if o is not block.last_op]
    start = op.prev_op
    for inner in inner_ops:
        inner.detach()
        Builder(InsertPoint.before(op)).insert(inner)
    for inner in inner_ops:
        lower_graph_op(inner)
    result = op.yielded()
    created: set[Operation] = set()
    current = start.next_op if start is not None else op.parent_block().first_op  # type: ignore[union-attr]
    while current is not None and current is not op:
        created.add(current)
        current = current.next_op
    chain = accumulator_chain(result, created)
    if isinstance(chain, str):
        emit_remark(op, f"not marked for fusion: {chain}")
        return [result]
    group = IntegerAttr(_next_group_id(op), i64)
    for member in chain:
        member.attributes[FUSION_GROUP_ATTR] = group
    return [result]
