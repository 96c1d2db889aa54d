"""Our Pluto scheduler: rows, bands, fusion policies, skewing; the time limit."""

from __future__ import annotations

import time

import pytest

from nnopt.passes.polyhedral.isl_support import BudgetExceeded, SchedulingFailed
from nnopt.passes.polyhedral.legality import violated_dependences
from nnopt.passes.polyhedral.pluto import PlutoOptions, PlutoScheduler
from nnopt.passes.polyhedral.schedule_tree import Band, Leaf, Node, Row, Sequence, to_isl_schedule
from nnopt.passes.polyhedral.tiling import BandOptions, transform_bands
from nnopt.passes.polyhedral.time_limit import run_with_time_limit
from tests.passes.polyhedral_helpers import scop_and_deps

JACOBI_2D = """
func.func @jacobi(%A: memref<20x20xf32>, %B: memref<20x20xf32>) {
  %fifth = arith.constant 0.2 : f32
  affine.for %t = 0 to 6 {
    affine.for %i = 1 to 19 {
      affine.for %j = 1 to 19 {
        %c = affine.load %A[%i, %j] : memref<20x20xf32>
        %w = affine.load %A[%i, %j - 1] : memref<20x20xf32>
        %e = affine.load %A[%i, %j + 1] : memref<20x20xf32>
        %s = affine.load %A[%i + 1, %j] : memref<20x20xf32>
        %n = affine.load %A[%i - 1, %j] : memref<20x20xf32>
        %a1 = arith.addf %c, %w : f32
        %a2 = arith.addf %a1, %e : f32
        %a3 = arith.addf %a2, %s : f32
        %a4 = arith.addf %a3, %n : f32
        %o = arith.mulf %fifth, %a4 : f32
        affine.store %o, %B[%i, %j] : memref<20x20xf32>
      }
    }
    affine.for %i = 1 to 19 {
      affine.for %j = 1 to 19 {
        %c = affine.load %B[%i, %j] : memref<20x20xf32>
        %w = affine.load %B[%i, %j - 1] : memref<20x20xf32>
        %e = affine.load %B[%i, %j + 1] : memref<20x20xf32>
        %s = affine.load %B[%i + 1, %j] : memref<20x20xf32>
        %n = affine.load %B[%i - 1, %j] : memref<20x20xf32>
        %a1 = arith.addf %c, %w : f32
        %a2 = arith.addf %a1, %e : f32
        %a3 = arith.addf %a2, %s : f32
        %a4 = arith.addf %a3, %n : f32
        %o = arith.mulf %fifth, %a4 : f32
        affine.store %o, %A[%i, %j] : memref<20x20xf32>
      }
    }
  }
  func.return
}
"""

PRODUCER_CONSUMER = """
func.func @chain(%A: memref<32x32xf32>, %B: memref<32x32xf32>, %C: memref<32x32xf32>, %R: memref<32xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 32 {
    affine.for %j = 0 to 32 {
      %a = affine.load %A[%i, %j] : memref<32x32xf32>
      %e = math.exp %a : f32
      affine.store %e, %B[%i, %j] : memref<32x32xf32>
    }
  }
  affine.for %i = 0 to 32 {
    affine.store %zero, %R[%i] : memref<32xf32>
  }
  affine.for %i = 0 to 32 {
    affine.for %j = 0 to 32 {
      %r = affine.load %R[%i] : memref<32xf32>
      %b = affine.load %B[%i, %j] : memref<32x32xf32>
      %s = arith.addf %r, %b : f32
      affine.store %s, %R[%i] : memref<32xf32>
    }
  }
  affine.for %i = 0 to 32 {
    affine.for %j = 0 to 32 {
      %b = affine.load %B[%i, %j] : memref<32x32xf32>
      %r = affine.load %R[%i] : memref<32xf32>
      %q = arith.divf %b, %r : f32
      affine.store %q, %C[%i, %j] : memref<32x32xf32>
    }
  }
  func.return
}
"""


def _bands(node: Node) -> list[Band]:
    if isinstance(node, Band):
        return [node, *_bands(node.child)]
    if isinstance(node, Sequence):
        return [b for _, child in node.children for b in _bands(child)]
    return []


def test_jacobi_2d_gets_the_time_skewed_band() -> None:
    scop, deps = scop_and_deps(JACOBI_2D)
    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="nn")).schedule()
    assert isinstance(tree, Band) and len(tree.rows) == 3
    # Pluto's (t, 2t + i, 2t + j), the second sweep shifted by one in i and j
    assert [tree.rows[k]["S0"] for k in range(3)] == [Row((1, 0, 0), 0), Row((2, 1, 0), 0), Row((2, 0, 1), 0)]
    assert [tree.rows[k]["S1"] for k in range(3)] == [Row((1, 0, 0), 0), Row((2, 1, 0), 1), Row((2, 0, 1), 1)]
    assert tree.permutable and tree.coincident == [False, False, False]


def test_nn_policy_fuses_rows_without_shifts() -> None:
    scop, deps = scop_and_deps(PRODUCER_CONSUMER)
    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="nn")).schedule()
    assert isinstance(tree, Band)
    outer = tree.rows[0]
    assert set(outer) == {"S0", "S1", "S2", "S3"}
    assert all(row.coefficients[0] == 1 and row.constant == 0 for row in outer.values())
    assert tree.coincident == [True]


def test_nofuse_keeps_every_statement_apart() -> None:
    scop, deps = scop_and_deps(PRODUCER_CONSUMER)
    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="nofuse")).schedule()
    assert isinstance(tree, Sequence) and len(tree.children) == 4
    assert all(len(names) == 1 for names, _ in tree.children)


def test_smartfuse_fuses_only_equal_dimensionality() -> None:
    scop, deps = scop_and_deps(PRODUCER_CONSUMER)
    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="smartfuse")).schedule()
    assert isinstance(tree, Sequence)
    groups = [set(names) for names, _ in tree.children]
    assert {"S1"} in groups  # the 1-d init is on its own


def test_every_statement_gets_a_full_rank_schedule() -> None:
    scop, deps = scop_and_deps(PRODUCER_CONSUMER)
    tree = PlutoScheduler(scop, deps, PlutoOptions(fuse="maxfuse")).schedule()
    rows: dict[str, list[tuple[int, ...]]] = {}
    for band in _bands(tree):
        for row in band.rows:
            for name, member in row.items():
                rows.setdefault(name, []).append(member.coefficients)
    from nnopt.passes.polyhedral.linear_algebra import rank

    assert all(rank(r) == scop.statement(n).depth for n, r in rows.items())
    assert not isinstance(tree, Leaf)


def test_unknown_policy_is_rejected() -> None:
    scop, deps = scop_and_deps(PRODUCER_CONSUMER)
    with pytest.raises(ValueError, match="unknown fusion policy"):
        PlutoScheduler(scop, deps, PlutoOptions(fuse="sometimes"))


def test_time_limit_stops_a_long_computation() -> None:
    def slow() -> str:
        time.sleep(5)
        return "done"

    start = time.monotonic()
    with pytest.raises(BudgetExceeded, match=r"longer than 0\.2 s"):
        run_with_time_limit(slow, 0.2)
    assert time.monotonic() - start < 3


def test_time_limit_passes_results_and_chosen_exceptions_back() -> None:
    assert run_with_time_limit(lambda: "tree", 5.0) == "tree"

    def fail() -> str:
        raise SchedulingFailed("no legal hyperplane for S3")

    with pytest.raises(SchedulingFailed, match="no legal hyperplane for S3"):
        run_with_time_limit(fail, 5.0, passed_on=(SchedulingFailed,))
    with pytest.raises(RuntimeError, match="no legal hyperplane"):
        run_with_time_limit(fail, 5.0)


SEIDEL_2D = """
func.func @seidel(%A: memref<40x40xf32>) {
  %nine = arith.constant 9.0 : f32
  affine.for %t = 0 to 8 {
    affine.for %i = 1 to 39 {
      affine.for %j = 1 to 39 {
        %a = affine.load %A[%i - 1, %j - 1] : memref<40x40xf32>
        %b = affine.load %A[%i - 1, %j] : memref<40x40xf32>
        %c = affine.load %A[%i - 1, %j + 1] : memref<40x40xf32>
        %d = affine.load %A[%i, %j - 1] : memref<40x40xf32>
        %e = affine.load %A[%i, %j] : memref<40x40xf32>
        %f = affine.load %A[%i, %j + 1] : memref<40x40xf32>
        %g = affine.load %A[%i + 1, %j - 1] : memref<40x40xf32>
        %h = affine.load %A[%i + 1, %j] : memref<40x40xf32>
        %k = affine.load %A[%i + 1, %j + 1] : memref<40x40xf32>
        %s1 = arith.addf %a, %b : f32
        %s2 = arith.addf %s1, %c : f32
        %s3 = arith.addf %s2, %d : f32
        %s4 = arith.addf %s3, %e : f32
        %s5 = arith.addf %s4, %f : f32
        %s6 = arith.addf %s5, %g : f32
        %s7 = arith.addf %s6, %h : f32
        %s8 = arith.addf %s7, %k : f32
        %o = arith.divf %s8, %nine : f32
        affine.store %o, %A[%i, %j] : memref<40x40xf32>
      }
    }
  }
  func.return
}
"""


def test_seidel_2d_is_skewed_and_tiled_in_wavefronts() -> None:
    scop, deps = scop_and_deps(SEIDEL_2D)
    tree = PlutoScheduler(scop, deps, PlutoOptions()).schedule()
    # Pluto's (t, t + i, 2t + i + j): every loop carries a dependence
    assert isinstance(tree, Band)
    assert [row["S0"] for row in tree.rows] == [Row((1, 0, 0), 0), Row((1, 1, 0), 0), Row((2, 1, 1), 0)]
    assert tree.coincident == [False, False, False]
    schedule = transform_bands(
        to_isl_schedule(tree, scop), scop, BandOptions(sizes=(4, 8, 8)), deps.required
    )
    tile_band = schedule.get_root().child(0)
    wavefront = str(tile_band.band_get_partial_schedule().get_union_pw_aff(0))
    assert "floor((t)/4)" in wavefront and "floor((t + i)/8)" in wavefront
    assert violated_dependences(schedule, deps.required).is_empty()
