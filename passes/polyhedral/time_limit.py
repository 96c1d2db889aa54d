"""Running a computation with a hard time limit, in a forked process.

    text = run_with_time_limit(lambda: schedule.to_str(), 10.0, passed_on=(SchedulingFailed,))
    # BudgetExceeded after 10 s; a SchedulingFailed in the child is raised again here

isl's integer programming cannot be interrupted (`set_max_operations` does not
reach it) and one hard problem can run for minutes. The computation runs in a
child process made by fork (it inherits the isl objects built so far) and
sends back text; the parent kills it when the limit passes. Exceptions of the
`passed_on` types cross back with their message; any other failure in the
child is reported as an internal error. Where fork does not exist, and in
daemonic processes (a multiprocessing pool's workers may not have children),
the computation runs in-process without a limit.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import traceback
from collections.abc import Callable

from nnopt.passes.polyhedral.isl_support import BudgetExceeded


def _child(
    fn: Callable[[], str],
    passed_on: tuple[type[Exception], ...],
    connection: multiprocessing.connection.Connection,
) -> None:
    try:
        connection.send(("ok", fn()))
    except passed_on as error:
        index = next(k for k, kind in enumerate(passed_on) if isinstance(error, kind))
        message = getattr(error, "message", None) or str(error)
        connection.send((index, message))
    except Exception:
        connection.send(("internal", traceback.format_exc()))
    finally:
        connection.close()


def run_with_time_limit(
    fn: Callable[[], str], seconds: float, passed_on: tuple[type[Exception], ...] = ()
) -> str:
    """fn() computed in a forked child; BudgetExceeded when it takes longer than `seconds`."""
    if not hasattr(os, "fork") or multiprocessing.current_process().daemon:
        return fn()  # no fork, or a daemonic process (which may not start children)
    passed_on = (BudgetExceeded, *passed_on)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, passed_on, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise BudgetExceeded(f"scheduling took longer than {seconds:g} s")
        kind, payload = receiver.recv()
    except EOFError:
        raise RuntimeError(f"the scheduling process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if kind == "ok":
        return str(payload)
    if isinstance(kind, int):
        raise passed_on[kind](payload)
    raise RuntimeError(f"scheduling failed in the worker process:\n{payload}")
