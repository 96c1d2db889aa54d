"""The one `main` behaviour every nn-opt command-line tool shares.

    def main(argv: Sequence[str] | None = None) -> None:
        run_tool("nn-opt", lambda: run(argv))

A `CompileError` is printed as its diagnostic (`file:line:col: error: ...`) and
the tool exits 1; Ctrl-C exits 130; any other exception is a bug in the tool,
reported in one line (the traceback only with NNOPT_DEBUG=1) with exit 1.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn

from nnopt.support.diagnostics import CompileError


def run_tool(name: str, run: Callable[[], int]) -> NoReturn:
    """Run a tool's body and exit with its status; never show the user a traceback."""
    try:
        status = run()
    except CompileError as error:
        print(error.diagnostic(), file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        status = 130
    except Exception as error:  # a bug in the tool: say so without a traceback
        if os.environ.get("NNOPT_DEBUG"):
            traceback.print_exc()
        print(
            f"{name}: error: internal error: {type(error).__name__}: {error} "
            "(set NNOPT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        status = 1
    sys.exit(status)
