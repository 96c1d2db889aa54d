"""`--verify-diagnostics`: compare produced diagnostics with annotations, as mlir-opt does.

    // expected-error @+1 {{inner dimensions differ}}
    %c = graph.matmul %a, %b : ...
    %d = graph.relu %c : ...  // expected-remark {{not vectorized}}

An annotation names a severity (error, warning, remark, note), an optional line
(`@+N`, `@-N`, `@above`, `@below`; default: its own line) and a substring of the
message. Every produced diagnostic must be expected and every expectation met;
each mismatch is returned as an error diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nnopt.support.diagnostics import Diagnostic, Severity, SourceLocation

_ANNOTATION = re.compile(
    r"expected-(error|warning|remark|note)\s*(?:@([+-]\d+|above|below))?\s*\{\{(.*?)\}\}"
)
_SPLIT = re.compile(r"^// -----[ \t]*$", re.MULTILINE)


def split_chunks(text: str) -> list[tuple[str, int]]:
    """Split at `// -----` lines; each chunk with the line number it starts after."""
    chunks: list[tuple[str, int]] = []
    start, line = 0, 0
    for match in _SPLIT.finditer(text):
        chunk = text[start : match.start()]
        chunks.append((chunk, line))
        line += chunk.count("\n") + 1
        start = match.end() + 1 if match.end() < len(text) and text[match.end()] == "\n" else match.end()
    chunks.append((text[start:], line))
    return chunks


@dataclass
class Expectation:
    severity: Severity
    line: int
    text: str
    annotation_line: int
    met: bool = False


def parse_expectations(chunk: str, line_offset: int) -> list[Expectation]:
    expectations: list[Expectation] = []
    for index, source_line in enumerate(chunk.splitlines()):
        line = index + 1 + line_offset
        for match in _ANNOTATION.finditer(source_line):
            severity, where, text = match.groups()
            target = line
            if where == "above":
                target = line - 1
            elif where == "below":
                target = line + 1
            elif where:
                target = line + int(where)
            expectations.append(Expectation(Severity(severity), target, text, line))
    return expectations


def check_expected_diagnostics(
    chunk: str, line_offset: int, file_name: str, produced: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """The mismatches between `produced` and the chunk's annotations (empty: all good)."""
    expectations = parse_expectations(chunk, line_offset)
    problems: list[Diagnostic] = []
    for diagnostic in produced:
        line = diagnostic.location.line if diagnostic.location else None
        match = next(
            (
                e
                for e in expectations
                if not e.met
                and e.severity is diagnostic.severity
                and e.line == line
                and e.text in diagnostic.message
            ),
            None,
        )
        if match is None:
            problems.append(
                Diagnostic(
                    Severity.ERROR,
                    f"unexpected {diagnostic.severity.value}: {diagnostic.message}",
                    diagnostic.location,
                )
            )
        else:
            match.met = True
    for expectation in expectations:
        if not expectation.met:
            problems.append(
                Diagnostic(
                    Severity.ERROR,
                    f'expected {expectation.severity.value} "{expectation.text}" was not produced',
                    SourceLocation(file_name, expectation.annotation_line, 1),
                )
            )
    return problems
