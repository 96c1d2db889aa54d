"""nn-opt: the opt tool, in the mlir-opt mould.

    nn-opt model.mlir --pass-pipeline='builtin.module(convert-graph-to-linalg,bufferize)'
    nn-opt model.mlir -p lower-to-affine -t c -o model.c
    nn-opt - --split-input-file --verify-diagnostics < tests.mlir
    nn-opt --list-passes
    nn-opt model.mlir -p convert-graph-to-linalg --emit=c --emit-function=mlp
    nn-opt model.mlir --emit=dot | dot -Tsvg > model.svg
    nn-opt model.mlir -p lower-to-affine --print-ir-after=bufferize --time-passes

Errors are printed as `file:line:col: error: message` and exit with status 1;
remarks from passes (why a transformation did not apply) go to stderr as
`file:line:col: remark: ...`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nnopt.driver import (
    OutputFormat,
    PassInstrumentation,
    ToolSession,
    check_pass_names,
    parse_output_format,
)
from nnopt.expected_diagnostics import check_expected_diagnostics, split_chunks
from nnopt.pass_listing import list_passes
from nnopt.support.diagnostics import (
    CompileError,
    Diagnostic,
    Severity,
    SourceLocation,
    collect_diagnostics,
)
from nnopt.tools.tool_main import run_tool


def build_argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nn-opt",
        description="Run nn-opt passes on MLIR textual IR and print the result (IR, C or Graphviz).",
    )
    parser.add_argument("input", nargs="?", default="-", help="input file ('-' for stdin)")
    parser.add_argument(
        "--pass-pipeline",
        default=None,
        help="MLIR pass pipeline, e.g. 'builtin.module(convert-graph-to-linalg,bufferize)'",
    )
    parser.add_argument("-p", "--passes", default=None, help="comma-separated passes: 'a,b{opt=v}'")
    parser.add_argument(
        "-t",
        "--target",
        default=None,
        help="output the IR as it is: 'mlir', 'c' (the IR must be C-ready; 'c{target=x86-avx2}' picks "
        "the C target) or 'dot'",
    )
    parser.add_argument(
        "--emit",
        default=None,
        metavar="KIND",
        help="output for reading: 'mlir', 'c' (C of a copy lowered as far as needed, at any level), "
        "'dot' (Graphviz; 'dot{view=NAME}' picks a registered view, default dataflow)",
    )
    parser.add_argument(
        "--emit-function",
        default=None,
        metavar="NAME",
        help="output only this function (and the functions it calls)",
    )
    parser.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    parser.add_argument("--split-input-file", action="store_true", help="process '// -----' chunks separately")
    parser.add_argument(
        "--verify-diagnostics",
        action="store_true",
        help="check diagnostics against '// expected-error {{...}}' annotations",
    )
    parser.add_argument("--print-ir-after-all", action="store_true", help="print the IR after every pass")
    parser.add_argument("--print-ir-before-all", action="store_true", help="print the IR before every pass")
    parser.add_argument(
        "--print-ir-after",
        default="",
        help="print the IR after the named passes only (comma-separated)",
    )
    parser.add_argument(
        "--print-ir-diff", action="store_true", help="print a unified diff of the IR after each pass"
    )
    parser.add_argument("--time-passes", action="store_true", help="report the time spent in each pass")
    parser.add_argument("--list-passes", action="store_true", help="list passes and pipelines with their options")
    parser.add_argument("--print-op-generic", action="store_true", help="print ops in generic form")
    parser.add_argument(
        "--load-plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="import a Python module (name, or path to a .py file) that registers dialects, passes "
        "and C handlers (repeatable); installed `nnopt.plugins` entry points load by themselves",
    )
    parser.add_argument(
        "--allow-unregistered-dialect", action="store_true", help="accept ops of unknown dialects"
    )
    return parser


def _output_format(target: str | None, emit: str | None) -> OutputFormat:
    if target is not None and emit is not None:
        raise CompileError("give either -t or --emit, not both")
    if emit is not None:
        return parse_output_format(emit, lower_first=True)
    return parse_output_format(target or "mlir")


def _read_input(path: str) -> tuple[str, str]:
    if path == "-":
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        return decode_source(raw, "<stdin>"), "<stdin>"
    try:
        with open(path, "rb") as handle:
            return decode_source(handle.read(), path), path
    except OSError as error:
        raise CompileError(f"cannot read '{path}': {error.strerror}") from None


def decode_source(data: bytes | str, name: str) -> str:
    """UTF-8 text of an input file; a located error at the first undecodable byte."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise CompileError(
            f"the input is not valid UTF-8 text (byte 0x{data[error.start]:02x})",
            location=SourceLocation(name, line, column),
        ) from None


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def run(argv: Sequence[str] | None = None) -> int:
    args = build_argument_parser().parse_args(argv)
    session = ToolSession(plugins=args.load_plugin, allow_unregistered=args.allow_unregistered_dialect)
    if args.list_passes:
        sys.stdout.write(list_passes())
        return 0
    text, file_name = _read_input(args.input)
    output_format = _output_format(args.target, args.emit)
    pipeline_text = ",".join(t for t in (args.pass_pipeline, args.passes) if t)
    passes = session.parse_pipeline(pipeline_text)
    print_after = [n for n in args.print_ir_after.split(",") if n]
    check_pass_names(print_after, "--print-ir-after")
    instrumentation = PassInstrumentation(
        print_after_all=args.print_ir_after_all,
        print_before_all=args.print_ir_before_all,
        print_after=frozenset(print_after),
        print_diff=args.print_ir_diff,
        time_passes=args.time_passes,
        generic=args.print_op_generic,
    )
    chunks = split_chunks(text) if args.split_input_file else [(text, 0)]
    outputs: list[str] = []
    status = 0
    for chunk, line_offset in chunks:
        with collect_diagnostics() as collected:
            result: str | None = None
            try:
                module = session.parse(chunk, file_name, line_offset)
                session.run_passes(module, passes, instrumentation)
                result = session.render(module, output_format, args.print_op_generic, args.emit_function)
            except CompileError as error:
                collected.add(error.diagnostic())
            except RecursionError:
                collected.add(Diagnostic(Severity.ERROR, "input nests too deeply to process"))
        if args.verify_diagnostics:
            problems = check_expected_diagnostics(chunk, line_offset, file_name, collected.diagnostics)
            _report(problems)
            status = 1 if problems else status
            if result is not None:
                outputs.append(result)
            continue
        _report(collected.diagnostics)
        if any(d.severity is Severity.ERROR for d in collected.diagnostics) or result is None:
            status = 1
            continue
        outputs.append(result)
    instrumentation.report_timing(sys.stderr)
    if status == 0 or args.verify_diagnostics:
        _write_output("// -----\n".join(outputs), args.output)
    return status


def _write_output(text: str, path: str | None) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CompileError(f"cannot write '{path}': {error.strerror}") from None


def main(argv: Sequence[str] | None = None) -> None:
    run_tool("nn-opt", lambda: run(argv))


if __name__ == "__main__":
    main()
