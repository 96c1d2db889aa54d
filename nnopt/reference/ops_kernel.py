"""Semantics of the kernel dialect's destination-passing ops, from their definitions.

    %o = kernel.attention ins(%q, %k, %v : ...) outs(%init : ...) {scale = 0.125 : f32, causal = true}
        softmax(q k^T * scale [+ mask], causal) v, written to a copy of %init (tensors)
        or into %init's buffer (memrefs)
"""

from __future__ import annotations

from xdsl.dialects.builtin import TensorType

from nnopt.dialects import kernel
from nnopt.passes.graph.semantics.attention import attention
from nnopt.reference.interpreter import Env, Interpreter, Step, implements
from nnopt.reference.values import Buffer


@implements(kernel.AttentionOp)
def _attention(interp: Interpreter, op: kernel.AttentionOp) -> Step:
    inputs = tuple(op.inputs)
    out = op.out
    on_tensors = isinstance(out.type, TensorType)
    results = tuple(op.results)
    scale = float(op.scale.value.data)
    causal = op.causal.value.data != 0
    description = f"the tensor computed by {op.name}"

    def step(env: Env) -> None:
        arrays = [env[v].to_array() for v in inputs]
        q, k, v = arrays[:3]
        mask = arrays[3] if len(arrays) > 3 else None
        value = attention(q, k, v, mask, scale, causal)
        target: Buffer = env[out].copy(description) if on_tensors else env[out]
        target.scatter(target.all_indices(), value.astype(target.dtype).reshape(-1))
        if on_tensors:
            env[results[0]] = target

    return step
