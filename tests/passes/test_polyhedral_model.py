"""The polyhedral model: SCoP extraction, dependences, reductions, legality checks."""

from __future__ import annotations

import islpy as isl
import pytest

from nnopt.passes.polyhedral.isl_support import isl_errors, new_isl_context
from nnopt.passes.polyhedral.legality import violated_dependences
from nnopt.passes.polyhedral.linear_algebra import null_space, rank, solve
from nnopt.passes.polyhedral.schedule_tree import original_schedule_tree, to_isl_schedule
from nnopt.support.diagnostics import CompileError
from tests.passes.polyhedral_helpers import scop_and_deps, scops_of

MATMUL = """
func.func @mm(%A: memref<4x8xf32>, %B: memref<8x16xf32>, %C: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 16 {
      affine.store %zero, %C[%i, %j] : memref<4x16xf32>
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<4x8xf32>
        %b = affine.load %B[%k, %j] : memref<8x16xf32>
        %c = affine.load %C[%i, %j] : memref<4x16xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<4x16xf32>
      }
    }
  }
  func.return
}
"""


def test_statements_domains_schedules_and_accesses() -> None:
    [scop] = scops_of(MATMUL)
    init, update = scop.statements
    assert init.domain.is_equal(isl.Set.read_from_str(scop.ctx, "{ S0[i, j] : 0 <= i < 4 and 0 <= j < 16 }"))
    assert update.domain.is_equal(
        isl.Set.read_from_str(scop.ctx, "{ S1[i, j, k] : 0 <= i < 4 and 0 <= j < 16 and 0 <= k < 8 }")
    )
    # init before the k loop in the j body, then the update inside it
    assert init.original_schedule.is_equal(
        isl.Map.read_from_str(scop.ctx, "{ S0[i, j] -> [0, i, 0, j, 0, 0, 0] : 0 <= i < 4 and 0 <= j < 16 }")
    )
    assert update.original_schedule.is_equal(
        isl.Map.read_from_str(
            scop.ctx, "{ S1[i, j, k] -> [0, i, 0, j, 1, k, 0] : 0 <= i < 4 and 0 <= j < 16 and 0 <= k < 8 }"
        )
    )
    reads = {a.relation.range().get_tuple_name(): str(a.relation) for a in update.reads()}
    assert set(reads) == {"M0_C", "M1_A", "M2_B"}
    assert "M2_B[k, j]" in reads["M2_B"]


def test_if_else_step_and_minmax_bounds_make_the_domains() -> None:
    [scop] = scops_of(
        """
        func.func @f(%A: memref<40xf32>, %n: index) {
          %one = arith.constant 1.0 : f32
          affine.for %i = max affine_map<(d0) -> (2, d0)>(%n) to min affine_map<(d0) -> (30, d0 + 10)>(%n) {
            affine.for %k = affine_map<(d0) -> (d0)>(%i) to 32 step 4 {
              affine.if affine_set<(d0) : (d0 - 12 >= 0)>(%k) {
                affine.store %one, %A[%k] : memref<40xf32>
              } else {
                affine.store %one, %A[%k + 1] : memref<40xf32>
              }
            }
          }
          func.return
        }
        """
    )
    then_part, else_part = scop.statements
    [parameter] = scop.params.names
    loops = (
        f"i >= 2 and i >= {parameter} and i < 30 and i < {parameter} + 10 "
        "and k >= i and k < 32 and exists (e : k = i + 4e)"
    )
    expected_then = isl.Set.read_from_str(scop.ctx, f"[{parameter}] -> {{ S0[i, k] : {loops} and k >= 12 }}")
    expected_else = isl.Set.read_from_str(scop.ctx, f"[{parameter}] -> {{ S1[i, k] : {loops} and k < 12 }}")
    assert then_part.domain.is_equal(expected_then)
    assert else_part.domain.is_equal(expected_else)
    # both branches share the position of the if in the loop body: then first
    assert then_part.original_schedule.range().is_subset(
        isl.Set.read_from_str(scop.ctx, f"[{parameter}] -> {{ [0, i, 0, k, 0] }}")
    )
    assert else_part.original_schedule.range().is_subset(
        isl.Set.read_from_str(scop.ctx, f"[{parameter}] -> {{ [0, i, 0, k, 1] }}")
    )


def test_reduction_is_detected_and_relaxed() -> None:
    scop, deps = scop_and_deps(MATMUL)
    [reduction] = deps.reductions.values()
    assert reduction.statement == "S1" and reduction.dims == [2] and reduction.relaxed
    # the order of k iterations is free, but the init runs before all of them
    init_to_all = isl.UnionMap.read_from_str(
        scop.ctx, "{ S0[i, j] -> S1[i, j, k] : 0 <= i < 4 and 0 <= j < 16 and 0 <= k < 8 }"
    )
    assert init_to_all.is_subset(deps.required)
    assert deps.required.intersect(
        isl.UnionMap.read_from_str(scop.ctx, "{ S1[i, j, k] -> S1[i2, j2, k2] }")
    ).is_empty()


def test_reduction_read_in_the_middle_stays_exact() -> None:
    _, deps = scop_and_deps(
        """
        func.func @running(%A: memref<8xf32>, %S: memref<1xf32>, %P: memref<8xf32>) {
          affine.for %k = 0 to 8 {
            %a = affine.load %A[%k] : memref<8xf32>
            %s = affine.load %S[0] : memref<1xf32>
            %n = arith.addf %s, %a : f32
            affine.store %n, %S[0] : memref<1xf32>
            %t = affine.load %S[0] : memref<1xf32>
            affine.store %t, %P[%k] : memref<8xf32>
          }
          func.return
        }
        """
    )
    # one statement reads S twice: the sum is not a plain reduction
    assert not any(r.relaxed for r in deps.reductions.values())


def test_reduction_observed_by_another_statement_is_not_relaxed() -> None:
    _, deps = scop_and_deps(
        """
        func.func @observed(%A: memref<8xf32>, %S: memref<1xf32>, %P: memref<8xf32>) {
          affine.for %k = 0 to 8 {
            %a = affine.load %A[%k] : memref<8xf32>
            %s = affine.load %S[0] : memref<1xf32>
            %n = arith.addf %s, %a : f32
            affine.store %n, %S[0] : memref<1xf32>
            affine.for %z = 0 to 1 {
              %t = affine.load %S[0] : memref<1xf32>
              affine.store %t, %P[%k] : memref<8xf32>
            }
          }
          func.return
        }
        """
    )
    [reduction] = deps.reductions.values()
    assert not reduction.relaxed
    assert "S1" in reduction.why_not_relaxed


def test_legality_check_rejects_a_reversed_loop() -> None:
    scop, deps = scop_and_deps(
        """
        func.func @shift(%A: memref<16xf32>) {
          affine.for %i = 1 to 16 {
            %v = affine.load %A[%i - 1] : memref<16xf32>
            affine.store %v, %A[%i] : memref<16xf32>
          }
          func.return
        }
        """
    )
    original = to_isl_schedule(original_schedule_tree(scop), scop)
    assert violated_dependences(original, deps.required).is_empty()
    domain = scop.domain()
    reversed_order = isl.Schedule.from_domain(domain).insert_partial_schedule(
        isl.MultiUnionPwAff.read_from_str(scop.ctx, "[{ S0[i] -> [(-i)] }]")
    )
    assert not violated_dependences(reversed_order, deps.required).is_empty()


def test_isl_errors_become_compile_errors_at_the_op() -> None:
    [scop] = scops_of(MATMUL)
    with pytest.raises(CompileError, match="isl failed while testing") as caught, isl_errors(scop.anchor, "testing"):
        isl.Set.read_from_str(new_isl_context(), "{ [i] : i >= }")
    assert caught.value.location is not None and caught.value.location.file == "test.mlir"


def test_linear_algebra_helpers() -> None:
    assert rank([(1, 0, 0), (2, 1, 0)]) == 2
    assert null_space([(1, 0, 0), (2, 1, 0)], 3) == [(0, 0, 1)]
    assert null_space([(1, 1)], 2) == [(-1, 1)]
    solution = solve([(1, 0), (1, 1)], (0, 1))
    assert solution is not None and [float(v) for v in solution] == [0.0, 1.0]
    assert solve([(1, 2), (2, 4)], (1, 0)) is None
