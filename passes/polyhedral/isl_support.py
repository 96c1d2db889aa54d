"""The isl context of one compilation, and isl failures as diagnostics.

    ctx = new_isl_context()                 # one per pass run, shared by every SCoP
    with isl_errors(loop_op, "computing dependences"):
        flow = access_info.compute_flow()   # islpy.Error -> CompileError at loop_op
    with operation_budget(ctx, 5_000_000):
        cone = dependence.wrap().coefficients()   # too much work -> BudgetExceeded

The operation budget bounds some isl algorithms (Farkas cones) but not its
integer programming; `time_limit.py` provides the hard time limit.

isl silently accepts objects of two contexts; every isl object of a compilation
must come from the context made here. isl reports errors as `islpy.Error`
naming the C function that failed; they become a `CompileError` carrying the
operation the polyhedral step was working on, so the user sees a location.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import islpy as isl
from xdsl.ir import Operation

from nnopt.support.diagnostics import CompileError


class BudgetExceeded(Exception):
    """An isl computation went over its operation budget or the time budget."""


class SchedulingFailed(Exception):
    """No legal schedule was found for a group of statements."""


def new_isl_context() -> isl.Context:
    """A context configured for nn-opt's scheduling and AST generation."""
    ctx = isl.Context()
    # an affine.if condition is a conjunction: isl must not emit `||`
    ctx.set_ast_build_allow_or(0)
    # one min/max upper bound per loop instead of a conjunction of conditions
    ctx.set_ast_build_atomic_upper_bound(1)
    ctx.set_ast_build_detect_min_max(1)
    # tile loops step by the tile size and point loops keep original values
    ctx.set_tile_scale_tile_loops(1)
    ctx.set_tile_shift_point_loops(0)
    return ctx


@contextlib.contextmanager
def isl_errors(op: Operation | None, doing: str) -> Iterator[None]:
    """Turn an islpy.Error raised inside the block into a CompileError at `op`."""
    try:
        yield
    except isl.Error as error:
        raise CompileError(f"isl failed while {doing}: {error}", op) from None


@contextlib.contextmanager
def operation_budget(ctx: isl.Context, max_operations: int) -> Iterator[None]:
    """Limit the isl work done inside the block; exceeding it raises BudgetExceeded.

    isl counts operations cumulatively, so the counter is reset on entry; the
    limit is removed on exit.
    """
    ctx.reset_operations()
    ctx.set_max_operations(max_operations)
    try:
        yield
    except isl.Error as error:
        raise BudgetExceeded(f"isl gave up after {max_operations} operations ({error})") from None
    finally:
        ctx.set_max_operations(0)
        ctx.reset_operations()


def integer_basic_set(rational: isl.BasicSet) -> isl.BasicSet:
    """The same constraints as `rational`, over the integers.

    Farkas coefficients (`isl.Set.coefficients`) come back as rational sets;
    an integer linear program needs the integer version.
    """
    result = isl.BasicSet.universe(rational.get_space())
    for constraint in rational.get_constraints():
        result = result.add_constraint(constraint)
    return result
