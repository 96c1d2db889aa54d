"""The C emitter: affine/scf/arith/math/memref(/vector) IR to C99 source.

    from nnopt.lowering.c_emitter import emit_c
    source = emit_c(module)

A table from op to C text (`registry.HANDLERS`, filled by the ops_*.py modules)
and a small walker (`emitter.CEmitter`).
"""

from nnopt.lowering.c_emitter.emitter import CEmitter, EmitOptions, emit_c

__all__ = ["CEmitter", "EmitOptions", "emit_c"]
