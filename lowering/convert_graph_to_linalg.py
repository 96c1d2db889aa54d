"""convert-graph-to-linalg: every graph op becomes linalg on tensors.

    %r = graph.relu %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
becomes
    %e = tensor.empty() : tensor<4x16xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
           ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
         ^bb0(%in: f32, %out: f32):
           %zero = arith.constant 0.0 : f32
           %m = arith.maximumf %in, %zero : f32
           linalg.yield %m : f32
         } -> tensor<4x16xf32>

How each op lowers is in `graph_lowerings/`. A graph op with no lowering is an
error naming the op. Ops of other dialects are left alone. The ops inside a
graph.fused are lowered with it (they are marked as one fusion group).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from nnopt.dialects import graph
from nnopt.lowering.graph_lowerings import lower_graph_op


@dataclass(frozen=True)
class ConvertGraphToLinalg(ModulePass):
    """Lower graph ops to linalg on tensors (tensor.empty + linalg.fill/generic)."""

    name = "convert-graph-to-linalg"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        graph_ops = [
            o
            for o in op.walk()
            if o.dialect_name() == "graph" and not isinstance(o.parent_op(), graph.FusedOp)
        ]
        for graph_op in graph_ops:
            lower_graph_op(graph_op)
