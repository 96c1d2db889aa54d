"""nn-import: a model in another format -> nn-opt IR, chosen by the file suffix.

    nn-import conv.tc                    # tensor comprehension -> linalg on tensors
    nn-import conv.tc -o conv.mlir
    nn-import - --format=tc < conv.tc

Each format is one entry of `IMPORTERS` (suffix -> function from the file's
path to a ModuleOp); adding a format is adding an entry. Errors are printed as
`file:line:col: error: message` with exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer

import nnopt
from nnopt.support.diagnostics import CompileError


@dataclass(frozen=True)
class Importer:
    description: str
    load: Callable[[str, str], ModuleOp]
    """(path, name shown in diagnostics) -> module; path '-' means stdin."""


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CompileError(f"cannot read '{path}': {error.strerror}") from None
    except UnicodeDecodeError:
        raise CompileError(f"cannot read '{path}': not UTF-8 text") from None


def _import_tc(path: str, name: str) -> ModuleOp:
    return nnopt.tc(_read_text(path), name)


IMPORTERS: dict[str, Importer] = {
    ".tc": Importer("tensor comprehensions (einsum-style statements) -> linalg on tensors", _import_tc),
}


def _importer_for(path: str, format_: str | None) -> Importer:
    suffix = f".{format_.lstrip('.')}" if format_ else Path(path).suffix
    importer = IMPORTERS.get(suffix)
    if importer is None:
        known = ", ".join(f"{s} ({i.description})" for s, i in IMPORTERS.items())
        what = f"format '{format_}'" if format_ else f"file suffix '{suffix or '(none)'}'"
        raise CompileError(f"cannot import '{path}': unknown {what}; known: {known}")
    return importer


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nn-import", description=__doc__.splitlines()[0])
    parser.add_argument("input", help="model file ('-' for stdin, with --format)")
    parser.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    parser.add_argument("--format", default=None, help="input format when the suffix does not say (e.g. tc)")
    parser.add_argument("--print-op-generic", action="store_true", help="print ops in generic form")
    args = parser.parse_args(argv)
    if args.input == "-" and not args.format:
        raise CompileError("reading stdin needs --format (e.g. --format=tc)")
    name = "<stdin>" if args.input == "-" else args.input
    module = _importer_for(args.input, args.format).load(args.input, name)
    stream = sys.stdout if args.output in (None, "-") else None
    if stream is not None:
        Printer(stream=stream, print_generic_format=args.print_op_generic).print_op(module)
        stream.write("\n")
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            Printer(stream=handle, print_generic_format=args.print_op_generic).print_op(module)
            handle.write("\n")
    except OSError as error:
        raise CompileError(f"cannot write '{args.output}': {error.strerror}") from None
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    try:
        status = run(argv)
    except CompileError as error:
        print(error.diagnostic(), file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        status = 130
    except Exception as error:  # a bug in nn-import: say so without a traceback
        if os.environ.get("NNOPT_DEBUG"):
            traceback.print_exc()
        print(
            f"nn-import: error: internal error: {type(error).__name__}: {error} "
            "(set NNOPT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
