"""Index range inference of tensor comprehensions: rounds, minimum over constraints, declared ranges."""

from __future__ import annotations

import nnopt


def _signature(text: str) -> str:
    module = str(nnopt.tc(text, "ranges.tc"))
    return next(line.strip() for line in module.splitlines() if "func.func" in line)


def test_an_index_is_solved_once_the_others_in_its_access_are_known() -> None:
    # ky comes from W alone; then y from I[2*y + ky]: 2*y + 2 <= 15
    text = "def f(I: f32[16], W: f32[3]) -> O {\n  O[y] += I[2*y+ky] * W[ky]\n}\n"
    assert _signature(text).endswith("-> tensor<7xf32> {")


def test_the_smallest_extent_over_all_accesses_wins() -> None:
    # A allows y in 0:14 (y + 2 <= 15), B allows y in 0:6 (2*y + 2 <= 12): 6 wins
    text = "def f(A: f32[16], B: f32[13], W: f32[3]) -> O {\n  O[y] += A[y+k] * B[2*y+k] * W[k]\n}\n"
    assert _signature(text).endswith("-> tensor<6xf32> {")


def test_an_index_only_limited_after_a_later_round_is_shrunk() -> None:
    # round 1: k from W (3); round 2: y from A (y + 2 <= 9: 0:8) and from B (y + 4 <= 9: 0:6)
    text = "def f(A: f32[10], B: f32[10], W: f32[3]) -> O {\n  O[y] += A[y+k] * B[y+2*k] * W[k]\n}\n"
    assert _signature(text).endswith("-> tensor<6xf32> {")


def test_declared_ranges_are_kept_and_give_output_shapes() -> None:
    text = "def f(A: f32[9]) -> O {\n  O[y] max= A[3*y+k] where k in 0:3\n}\n"
    assert _signature(text).endswith("-> tensor<3xf32> {")
    zeros = "def f(A: f32[2]) -> (Z, B) {\n  Z[i, j] = 0.0 where i in 0:2, j in 0:5\n  B[i] = A[i]\n}\n"
    assert _signature(zeros).endswith("-> (tensor<2x5xf32>, tensor<2xf32>) {")


def test_negative_coefficients_bound_from_below() -> None:
    # A[8 - i]: i can go from 0 to 8 (index 8 down to 0)
    text = "def f(A: f32[9]) -> O {\n  O[i] = A[8 - i] where i in 0:9\n}\n"
    assert _signature(text).endswith("-> tensor<9xf32> {")
    inferred = "def f(A: f32[9], W: f32[2]) -> O {\n  O[i] += A[i - k + 1] * W[k]\n}\n"
    # k in 0:2 from W; the smallest index, i - 1 + 1, is never negative; the largest, i + 1 <= 8
    assert _signature(inferred).endswith("-> tensor<8xf32> {")
