"""Running a computation with a hard time limit, in a forked process.

    text = run_with_time_limit(lambda: schedule.to_str(), seconds=10.0)
    # BudgetExceeded after 10 s; the exception types below cross the fork

isl's integer programming cannot be interrupted (`set_max_operations` does not
reach it) and one hard problem can run for minutes. The computation runs in a
child process made by fork (it inherits the isl objects built so far) and
sends back text; the parent kills it when the limit passes. Where fork does
not exist, the computation runs in-process without a limit.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import traceback
from collections.abc import Callable

from nnopt.passes.polyhedral.isl_support import BudgetExceeded, SchedulingFailed
from nnopt.support.diagnostics import CompileError

_KINDS: dict[str, type[Exception]] = {
    "budget": BudgetExceeded,
    "failed": SchedulingFailed,
    "compile": CompileError,
}


def _child(fn: Callable[[], str], connection: multiprocessing.connection.Connection) -> None:
    try:
        connection.send(("ok", fn()))
    except BudgetExceeded as error:
        connection.send(("budget", str(error)))
    except SchedulingFailed as error:
        connection.send(("failed", str(error)))
    except CompileError as error:
        connection.send(("compile", error.message))
    except Exception:
        connection.send(("internal", traceback.format_exc()))
    finally:
        connection.close()


def run_with_time_limit(fn: Callable[[], str], seconds: float) -> str:
    """fn() computed in a forked child; BudgetExceeded when it takes longer than `seconds`."""
    if not hasattr(os, "fork"):
        return fn()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, sender), daemon=True)
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
    if kind in _KINDS:
        raise _KINDS[kind](payload)
    raise RuntimeError(f"scheduling failed in the worker process:\n{payload}")
