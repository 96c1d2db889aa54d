"""The reference executor: runs IR directly, without C, as the oracle for tests.

    import nnopt
    y = nnopt.reference.run(graph_ir, "mlp", x, w, b)      # new arrays, like nnopt.compile
    nnopt.reference.run(affine_ir, "kernel", a, out)        # memref functions work in place

It runs every level: graph ops through numpy (the table of
`nnopt.passes.graph.semantics`, one function per op class, which constant
folding also uses), linalg ops by their indexing maps and bodies, and affine, scf,
arith, math, memref, tensor, bufferization and vector ops by their MLIR
semantics. It reports what C would silently get wrong: out-of-bounds accesses,
reads of memory nothing wrote, use after free, writes to constants and inputs,
division by zero; an op it does not know is an `UnsupportedOpError`.

Extending it:

    @nnopt.reference.numpy_reference(graph.SoftmaxOp)   # = numpy_semantics
    def _softmax(op, x): ...

    @nnopt.reference.implements(MyOp)          # any other op: a step compiler
    def _my_op(interp, op): ...
"""

from nnopt.reference import (  # noqa: F401  (importing fills the op table)
    ops_arith,
    ops_control,
    ops_kernel,
    ops_linalg,
    ops_memory,
    ops_tensor,
    ops_vector,
)
from nnopt.reference.calling import ReferenceProgram, load_module, run
from nnopt.reference.errors import ExecutionError, UndefinedBehaviourError, UnsupportedOpError
from nnopt.reference.graph_ops import GRAPH_REFERENCES, numpy_reference
from nnopt.reference.interpreter import HANDLERS, Interpreter, implements, implements_name

__all__ = [
    "GRAPH_REFERENCES",
    "HANDLERS",
    "ExecutionError",
    "Interpreter",
    "ReferenceProgram",
    "UndefinedBehaviourError",
    "UnsupportedOpError",
    "implements",
    "implements_name",
    "load_module",
    "numpy_reference",
    "run",
]
