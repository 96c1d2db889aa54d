"""Every pass nn-opt knows, by name: ours, the xDSL passes we reuse, and plugins'.

    PASSES["bufferize"]            # -> the Bufferize class
    register_pass(MyPass)          # an out-of-tree pass, usable in pipelines

`passes_by_name()` is what `--pass-pipeline`, `--list-passes` and
`nnopt.compile(pipeline=...)` all read.
"""

from __future__ import annotations

from xdsl.passes import ModulePass
from xdsl.transforms.canonicalize import CanonicalizePass
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
from xdsl.transforms.dead_code_elimination import DeadCodeElimination

from nnopt.lowering.bufferize import Bufferize
from nnopt.lowering.convert_attention_to_kernel import ConvertAttentionToKernel
from nnopt.lowering.convert_graph_to_linalg import ConvertGraphToLinalg
from nnopt.lowering.convert_linalg_to_affine import ConvertLinalgToAffine
from nnopt.lowering.linalg_strategies import LinalgStrategies
from nnopt.passes.affine_register_block import AffineRegisterBlock
from nnopt.passes.affine_scalar_replace import AffineScalarReplace
from nnopt.passes.affine_unroll_jam import AffineUnrollJam
from nnopt.passes.affine_vectorize import AffineVectorize
from nnopt.passes.graph.graph_constant_fold import GraphConstantFold
from nnopt.passes.graph.graph_conv_strategy import GraphConvStrategy
from nnopt.passes.graph.graph_fold_batch_norm import GraphFoldBatchNorm
from nnopt.passes.graph.graph_fuse_epilogue import GraphFuseEpilogue
from nnopt.passes.graph.graph_layout_nchwc import GraphLayoutNchwc
from nnopt.passes.graph.graph_recognize_attention import GraphRecognizeAttention
from nnopt.passes.poly_schedule import PolySchedule
from nnopt.passes.polyhedral import views as _polyhedral_views  # noqa: F401  (registers the dot views)
from nnopt.support.diagnostics import CompileError

PASSES: dict[str, type[ModulePass]] = {}


def register_pass(pass_type: type[ModulePass]) -> type[ModulePass]:
    """Make `pass_type` available by its `name` (usable as a class decorator)."""
    name = getattr(pass_type, "name", None)
    if not isinstance(name, str) or not name:
        raise CompileError(f"pass class {pass_type.__name__} has no `name`")
    existing = PASSES.get(name)
    if existing is not None and existing is not pass_type:
        raise CompileError(f"a different pass is already registered as '{name}'")
    PASSES[name] = pass_type
    return pass_type


for _pass in (
    ConvertGraphToLinalg,
    ConvertAttentionToKernel,
    Bufferize,
    ConvertLinalgToAffine,
    LinalgStrategies,
    PolySchedule,
    CanonicalizePass,
    CommonSubexpressionElimination,
    DeadCodeElimination,
    AffineVectorize,
    AffineScalarReplace,
    AffineUnrollJam,
    AffineRegisterBlock,
    GraphConstantFold,
    GraphConvStrategy,
    GraphFoldBatchNorm,
    GraphFuseEpilogue,
    GraphLayoutNchwc,
    GraphRecognizeAttention,
):
    register_pass(_pass)


def passes_by_name() -> dict[str, type[ModulePass]]:
    # named pipelines register themselves on import
    from nnopt.lowering import pipeline  # noqa: F401

    return dict(PASSES)
