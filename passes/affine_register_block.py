"""affine-register-block: outer-product micro-kernels from vectorized reduction nests.

For a vectorized loop V whose body is a reduction loop nest K (the accumulator's
address does not move with K), it unrolls-and-jams V by u_v and one enclosing
parallel loop P by u_p, then keeps the u_v * u_p accumulators in registers across
K (scalar replacement). P is the enclosing loop whose index the vector loads in K
do not use, so the jammed copies share those loads: a matmul becomes

    for i step u_p: for j step 16 * u_v:
      acc[r][c] = C[i + r, j + 16c]            (u_p * u_v vector registers)
      for k: b[c] = B[k, j + 16c]; a[r] = broadcast A[i + r, k]; acc[r][c] += a[r] * b[c]
      C[i + r, j + 16c] = acc[r][c]

u_v and u_p are chosen so that the accumulators, the u_v vector operands and one
broadcast fit the target's vector registers (32 on AVX-512, NEON and RVV, 16 on
AVX2), maximising multiply-adds per load and minimising remainder iterations.

    affine.for %i = 0 to 64 {
      affine.for %j = 0 to 64 step 16 {
        affine.for %k = 0 to 64 { ... C[%i, %j] += A[%i, %k] * B[%k, %j] ... }
      } {nnopt.vectorized}
    }
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xdsl_affine
from xdsl.dialects.builtin import ModuleOp, UnitAttr, VectorType
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from nnopt.passes import marks
from nnopt.passes.affine_access import access_pattern
from nnopt.passes.affine_vectorize import VECTORIZED_ATTR
from nnopt.passes.loop_bounds import trip_count
from nnopt.passes.scalar_replacement import promote_invariant_accesses
from nnopt.passes.unroll_jam import jam_decline_reason, unroll_and_jam
from nnopt.runtime.targets import get_target
from nnopt.support.diagnostics import emit_remark

_VECTOR_REGISTERS = {"x86-avx512": 32, "x86-avx2": 16, "aarch64-neon": 32, "riscv64-rvv": 32, "generic": 16}
BLOCKED_ATTR = marks.REGISTER_BLOCKED


@dataclass(frozen=True)
class Blocking:
    outer: xdsl_affine.ForOp
    outer_factor: int
    vector_factor: int


def _reduction_loop(vector_loop: xdsl_affine.ForOp) -> xdsl_affine.ForOp | None:
    """The loop directly inside `vector_loop` that carries its accumulators, in
    registers (vector iter_args) or in memory (a vector store that does not move)."""
    loops = [op for op in vector_loop.body.block.ops if isinstance(op, xdsl_affine.ForOp)]
    if len(loops) != 1:
        return None
    inner = loops[0]
    if inner.results and all(isinstance(t, VectorType) for t in inner.result_types):
        return inner
    iv = inner.body.block.args[0]
    for op in inner.body.walk():
        if isinstance(op, xdsl_affine.VectorStoreOp) and access_pattern(op, iv).kind == "invariant":
            return inner
    return None


def _vector_loads(loop: Operation) -> list[xdsl_affine.VectorLoadOp]:
    return [op for op in loop.walk() if isinstance(op, xdsl_affine.VectorLoadOp)]


def _shares_loads(candidate: xdsl_affine.ForOp, reduction: xdsl_affine.ForOp) -> bool:
    """Whether no vector load inside `reduction` moves with `candidate`'s index."""
    iv = candidate.body.block.args[0]
    loads = [op for op in _vector_loads(reduction) if access_pattern(op, reduction.body.block.args[0]).kind != "invariant"]
    return all(access_pattern(op, iv).kind == "invariant" for op in loads)


def _score(outer_trip: int, u_p: int, vector_trip: int, u_v: int) -> float:
    per_load = (u_p * u_v) / (u_p + u_v)
    full = (outer_trip // u_p * u_p / outer_trip) * (vector_trip // u_v * u_v / vector_trip)
    return per_load * full


def choose_blocking(vector_loop: xdsl_affine.ForOp, registers: int) -> Blocking | str:
    reduction = _reduction_loop(vector_loop)
    if reduction is None:
        return "its body is not a single reduction loop"
    vector_trip = trip_count(vector_loop)
    if vector_trip is None:
        return "its trip count is not known"
    accumulators = max(
        1,
        len(reduction.results)
        + len({id(op) for op in reduction.body.walk() if isinstance(op, xdsl_affine.VectorStoreOp)}),
    )
    parent = vector_loop.parent_op()
    candidates: list[xdsl_affine.ForOp] = []
    while isinstance(parent, xdsl_affine.ForOp):
        if jam_decline_reason(parent) is None and _shares_loads(parent, reduction):
            candidates.append(parent)
        parent = parent.parent_op()
    if not candidates:
        return "no enclosing loop can share its loads"
    outer = candidates[0]
    outer_trip = trip_count(outer)
    assert outer_trip is not None
    best: tuple[float, int, int] = (0.0, 1, 1)
    for u_v in (1, 2, 3, 4):
        if u_v > vector_trip:
            break
        for u_p in range(1, outer_trip + 1):
            # accumulators + the u_v vector operands + one broadcast must fit
            if u_p * u_v * accumulators + u_v + 1 > registers:
                break
            score = _score(outer_trip, u_p, vector_trip, u_v)
            if score > best[0] + 1e-9:
                best = (score, u_p, u_v)
    return Blocking(outer, best[1], best[2])


def register_block(vector_loop: xdsl_affine.ForOp, registers: int) -> str | None:
    """Block one vectorized loop; returns why not, or None when done."""
    if jam_decline_reason(vector_loop) is not None and trip_count(vector_loop) is None:
        return "its trip count is not known"
    blocking = choose_blocking(vector_loop, registers)
    if isinstance(blocking, str):
        return blocking
    if blocking.vector_factor > 1 and jam_decline_reason(vector_loop) is None:
        unroll_and_jam(vector_loop, blocking.vector_factor)
    if blocking.outer_factor > 1:
        main = unroll_and_jam(blocking.outer, blocking.outer_factor)
        if main is not None:
            main.attributes[BLOCKED_ATTR] = UnitAttr()
            _block_remainder(blocking.outer)
    if blocking.outer.parent is not None:
        blocking.outer.attributes[BLOCKED_ATTR] = UnitAttr()
    return None


def _block_remainder(remainder: xdsl_affine.ForOp) -> None:
    """Jam the remainder iterations left by the main micro-kernel into one smaller
    micro-kernel (60 rows blocked by 6 leave none; 64 leave 4, blocked by 4).

    Fewer accumulators than the main kernel, so they fit the registers too."""
    if remainder.parent is None:
        return  # the main kernel covered every iteration
    left = trip_count(remainder)
    if left is not None and left > 1:
        unroll_and_jam(remainder, left)


def _inside_blocked(loop: Operation) -> bool:
    parent = loop.parent_op()
    while parent is not None:
        if BLOCKED_ATTR in parent.attributes:
            return True
        parent = parent.parent_op()
    return False


def promote_all(scope: Operation) -> None:
    """Scalar replacement in every loop, innermost first."""
    for loop in reversed([op for op in scope.walk() if isinstance(op, xdsl_affine.ForOp)]):
        if loop.parent is not None:
            promote_invariant_accesses(loop)


@dataclass(frozen=True)
class AffineRegisterBlock(ModulePass):
    """Register-block vectorized reduction nests into outer-product micro-kernels."""

    name = "affine-register-block"

    target: str = "native"
    """Target whose vector register count bounds the accumulators."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        registers = _VECTOR_REGISTERS.get(get_target(self.target).name, 16)
        vector_loops = [o for o in op.walk() if isinstance(o, xdsl_affine.ForOp) and VECTORIZED_ATTR in o.attributes]
        for loop in vector_loops:
            if loop.parent is None or _inside_blocked(loop):
                continue  # replaced or already blocked with an earlier loop
            reason = register_block(loop, registers)
            if reason is not None:
                emit_remark(loop, f"not register-blocked: {reason}")
        promote_all(op)
        for inner in op.walk():
            inner.attributes.pop(BLOCKED_ATTR, None)
