"""nn-import: a model in another format -> nn-opt IR, chosen by the file suffix.

    nn-import conv.tc                    # tensor comprehension -> linalg on tensors
    nn-import conv.tc -o conv.mlir
    nn-import - --format=tc < conv.tc
    nn-import model.onnx -o model.mlir   # ONNX -> graph dialect
    nn-import model.onnx --input-shape x=1x3x224x224

Each format is one entry of `IMPORTERS` (suffix -> function from the file's
path and the import options to a ModuleOp); adding a format is adding an entry.
Errors are printed as `file:line:col: error: message` (for a binary model,
`model.onnx: error: node 'conv1' (Conv): ...`) with exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer

import nnopt
from nnopt.support.diagnostics import CompileError
from nnopt.tools.tool_main import run_tool


@dataclass(frozen=True)
class ImportOptions:
    input_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Static shapes for model inputs (`--input-shape name=2x3x8`)."""


@dataclass(frozen=True)
class Importer:
    description: str
    load: Callable[[str, str, ImportOptions], ModuleOp]
    """(path, name shown in diagnostics, options) -> module; path '-' means stdin."""


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CompileError(f"cannot read '{path}': {error.strerror}") from None
    except UnicodeDecodeError:
        raise CompileError(f"cannot read '{path}': not UTF-8 text") from None


def _import_tc(path: str, name: str, options: ImportOptions) -> ModuleOp:
    if options.input_shapes:
        raise CompileError("--input-shape applies to ONNX models; a .tc file states its shapes")
    return nnopt.tc(_read_text(path), name)


def _import_onnx(path: str, name: str, options: ImportOptions) -> ModuleOp:
    model = sys.stdin.buffer.read() if path == "-" else path
    return nnopt.import_onnx(model, options.input_shapes)


IMPORTERS: dict[str, Importer] = {
    ".tc": Importer("tensor comprehensions (einsum-style statements) -> linalg on tensors", _import_tc),
    ".onnx": Importer("ONNX models -> graph dialect", _import_onnx),
}


def parse_input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """`x=1x3x224x224` -> ("x", (1, 3, 224, 224)); `s=` is a scalar."""
    name, equals, dims = text.rpartition("=")
    if not equals or not name:
        raise CompileError(f"--input-shape '{text}' is not NAME=D1xD2x... (e.g. x=1x3x224x224)")
    try:
        shape = tuple(int(d) for d in dims.split("x")) if dims else ()
    except ValueError:
        raise CompileError(
            f"--input-shape '{text}': '{dims}' is not sizes separated by 'x' (e.g. 1x3x224x224)"
        ) from None
    if any(d < 0 for d in shape):
        raise CompileError(f"--input-shape '{text}': sizes must not be negative")
    return name, shape


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
    parser.add_argument(
        "--input-shape",
        action="append",
        default=[],
        metavar="NAME=SHAPE",
        help="static shape of a model input, e.g. x=1x3x224x224 (repeatable; ONNX)",
    )
    args = parser.parse_args(argv)
    if args.input == "-" and not args.format:
        raise CompileError("reading stdin needs --format (e.g. --format=tc)")
    name = "<stdin>" if args.input == "-" else args.input
    options = ImportOptions(dict(parse_input_shape(t) for t in args.input_shape))
    module = _importer_for(args.input, args.format).load(args.input, name, options)
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
    run_tool("nn-import", lambda: run(argv))


if __name__ == "__main__":
    main()
