"""graph.layout -> one copying linalg.generic whose input map does the re-blocking.

    %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x32x8x8xf32>) -> tensor<1x2x8x8x16xf32>
becomes
    %b = linalg.generic {indexing_maps = [(n, cb, h, w, c) -> (n, cb * 16 + c, h, w),
                                          (n, cb, h, w, c) -> (n, cb, h, w, c)],
                         iterator_types = [parallel x 5]}
           ins(%x) outs(tensor.empty()) { ^bb0(%v, %o): linalg.yield %v }

and the way back reads `(n, c, h, w) -> (n, c floordiv 16, h, w, c mod 16)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from nnopt.dialects import graph
from nnopt.dialects.graph.layout import source_index
from nnopt.lowering.graph_lowerings import lowers
from nnopt.lowering.structured import StructuredBuilder


@lowers(graph.LayoutOp)
def _layout(op: graph.LayoutOp, s: StructuredBuilder) -> Sequence[SSAValue]:
    result_type = op.result.type
    assert isinstance(result_type, TensorType)
    source, target = op.layouts()
    rank = len(target.dims)
    loops = [AffineExpr.dimension(i) for i in range(rank)]
    read = AffineMap(rank, 0, tuple(source_index(source, target, loops)))
    return [s.elementwise([op.input], result_type, lambda b, v: [v[0]], maps=[read])]
