"""Reading the broken-input corpus, and running nn-opt in this process.

Each file in broken/ starts with comment lines:

    // <what is wrong with it>
    // nn-opt: <arguments>            (default: -t c; "none (why)" when nn-opt cannot show it)
    // api: compile [pipeline=<text>]  (default: compile; "none (why)" when the API cannot)
    // api-call: <Python arguments>    (compile, then call the only function with these)
    // error: <text the diagnostic must contain>
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from nnopt.tools.nn_opt import main

BROKEN = Path(__file__).parent / "broken"

LOCATED_ERROR = re.compile(r"^\S+:\d+:\d+: error: ", re.MULTILINE)
"""A diagnostic as the tools print it: file:line:col: error: message."""

_FIELD = re.compile(r"^//\s*(nn-opt|api|api-call|error):\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    path: Path
    nn_opt_args: list[str] | None
    """None when nn-opt cannot show this error."""
    api: str | None
    """'compile [pipeline=...]', 'call', or None."""
    call_arguments: str
    error: str

    @property
    def name(self) -> str:
        return self.path.stem


def read_case(path: Path) -> Case:
    text = path.read_bytes().decode("utf-8", errors="replace")
    fields = dict(_FIELD.findall(text))
    if "error" not in fields:
        raise ValueError(f"{path.name} has no '// error:' line")
    nn_opt = fields.get("nn-opt", "-t c")
    api = fields.get("api", "compile")
    call = fields.get("api-call", "")
    return Case(
        path,
        None if nn_opt.startswith("none") else shlex.split(nn_opt),
        "call" if call else (None if api.startswith("none") else api),
        call,
        fields["error"],
    )


def cases() -> list[Case]:
    return [read_case(p) for p in sorted(BROKEN.glob("*.mlir"))]


@dataclass(frozen=True)
class ToolRun:
    status: int
    stdout: str
    stderr: str


def run_nn_opt_in_process(args: list[str], stdin: str = "") -> ToolRun:
    """nn-opt's main() with its streams captured; an escaping exception fails the caller."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
                status = 0
            except SystemExit as done:
                status = int(done.code or 0)
    finally:
        sys.stdin = old_stdin
    return ToolRun(status, out.getvalue(), err.getvalue())
