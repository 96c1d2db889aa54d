"""Tensor comprehension errors: each points at the line and column it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

import nnopt
from nnopt.support.diagnostics import CompileError
from tests.conftest import assert_no_traceback

MM = "def f(A: f32[4,8], B: f32[8,16]) -> C {\n"

CASES = [
    # grammar
    (MM + "  C[i,j] += A[i,k] * * B[k,j]\n}\n", "2:22", "unexpected '*'; expected '(', '-', a name, a number"),
    (MM + "  C[i,j] += A[i,k] @ B[k,j]\n}\n", "2:20", "unexpected character '@'"),
    (MM + "  C[i,j] += A[i,k] * B[k,j]\n", "2:28", "unexpected end of input; expected '}', a name"),
    ("def f(A: f32[3]) B {}\n", "1:18", "unexpected 'B'; expected '->'"),
    ("def f(A: f32[2.5]) -> B {}\n", "1:15", "unexpected '.5'; expected ',', ']'"),
    (MM + "  C[i,j] += A[i,k*j] * B[k,j]\n}\n", "2:19", "an index must be affine"),
    # names, ranks, definitions
    (MM + "  C[i,j] += A[i,k] * Q[k,j]\n}\n", "2:22", "unknown tensor 'Q'"),
    (MM + "  C[i,j] = D[i,j]\n  D[i,j] += A[i,k] * B[k,j]\n}\n", "2:12", "'D' is used before its definition at line 3"),
    (MM + "  C[i,j] += C[i,k] * B[k,j]\n}\n", "2:13", "'C' is used in its own definition"),
    (MM + "  C[i,j] += A[i] * B[k,j]\n}\n", "2:13", "'A' has rank 2 but is indexed with 1 index"),
    (MM + "  A[i,j] = B[i,j]\n  C[i] = A[i,0]\n}\n", "2:3", "'A' is an input; each tensor is defined by one statement"),
    (MM + "  C[i,j] += A[i,k] * B[k,j]\n  C[i,j] = A[i,j]\n}\n", "3:3", "'C' is already defined at line 2"),
    (MM + "  C[i+1,j] += A[i,k] * B[k,j]\n}\n", "2:5", "left-hand side must be indexed by index variables, got 'i + 1'"),
    (MM + "  C[i,i] = A[i,i]\n}\n", "2:7", "index 'i' appears twice on the left-hand side"),
    (MM + "  C[i,j] = A[i,k] * B[k,j]\n}\n", "2:16", "index 'k' appears only on the right-hand side: reduce over it"),
    (MM + "  C[i,j] = softplus(A[i,j])\n}\n", "2:12", "unknown function 'softplus' (known: abs, ceil"),
    (MM + "  C[i,j] = max(A[i,j])\n}\n", "2:12", "'max' takes 2 arguments, got 1"),
    ("def f(A: i32[4]) -> C {\n  C[i] = A[i]\n}\n", "1:10", "unknown element type 'i32'; use one of f32, f64"),
    ("def f(A: f32[4,0]) -> C {\n  C[i] = A[i,0]\n}\n", "1:10", "'A' has a dimension of size 0"),
    ("def f(A: f32[8], A: f32[8]) -> C {\n  C[i] = A[i]\n}\n", "1:18", "parameter 'A' is declared twice"),
    ("def f(A: f32[8], B: f64[8]) -> C {\n  C[i] = A[i] + B[i]\n}\n", "2:3", "the operands mix element types (A: f32, B: f64)"),
    ("def f(A: f32[8]) -> D {\n  C[i] = A[i]\n}\n", "1:21", "'f' returns 'D', which no statement defines"),
    ("def f(A: f32[8]) -> A {\n  C[i] = A[i]\n}\n", "1:21", "'A' is an input; a function returns tensors"),
    ("def f(A: f32[8]) -> (C, C) {\n  C[i] = A[i]\n}\n", "1:25", "'C' is returned twice"),
    ("def f(A: f32[8]) -> C {\n  C[i] = A[i]\n}\ndef f(A: f32[8]) -> C {\n  C[i] = A[i]\n}\n", "4:5", "function 'f' is already defined at line 1"),
    ("# nothing here\n", "1:1", "no function defined"),
    # ranges
    ("def f(A: f32[8]) -> C {\n  C[y] += A[y+k]\n}\n", "2:13", "cannot infer the range of index 'y' from A[y + k]"),
    ("def f(A: f32[8]) -> C {\n  C[i,j] = A[i]\n}\n", "2:7", "cannot infer the range of index 'j': no input is indexed by it; declare it with `where j in 0:N`"),
    ("def f(A: f32[8]) -> C {\n  C[i] = A[i-1]\n}\n", "2:12", "A[i - 1] is out of bounds: index 'i - 1' goes down to -1"),
    ("def f(A: f32[8,2]) -> C {\n  C[i] = A[i,2]\n}\n", "2:14", "A[i, 2] is out of bounds: index '2' reaches 2, but dimension 1 of 'A' has 2 elements"),
    ("def f(A: f32[2], W: f32[3]) -> C {\n  C[i] += A[i+k] * W[k]\n}\n", "2:13", "index 'i' has no valid value: A[i + k] must stay within dimension 0"),
    ("def f(A: f32[8], B: f32[8]) -> C {\n  C[i] = A[i] * B[i+1]\n}\n", "2:12", "index 'i' runs over 0:7 (limited by B[i + 1]), but A[i] uses it alone"),
    ("def f(A: f32[8]) -> C {\n  C[i] max= A[2*i+k] where k in 1:3\n}\n", "2:28", "ranges start at 0: write 'where k in 0:2'"),
    ("def f(A: f32[8]) -> C {\n  C[i] = A[i] where k in 0:3\n}\n", "2:21", "index 'k' is declared but not used"),
    ("def f(A: f32[8]) -> C {\n  C[i] max= A[i+k] where k in 0:3, i in 0:8\n}\n", "2:15", "A[i + k] is out of bounds: index 'i + k' reaches 9 (for i in 0:8, k in 0:3)"),
    ("def f(A: f32[8]) -> C {\n  C[i] max= A[i+k] where k in 0:3, k in 0:2\n}\n", "2:36", "the range of 'k' is declared twice"),
]


@pytest.mark.parametrize(("source", "where", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_error_points_at_line_and_column(source: str, where: str, message: str) -> None:
    with pytest.raises(CompileError) as caught:
        nnopt.tc(source, "model.tc")
    text = str(caught.value)
    assert text.startswith(f"model.tc:{where}: error: "), text
    assert message in text.splitlines()[0], text
    # the offending line follows, with a caret under the column
    line, column = (int(n) for n in where.split(":"))
    excerpt = text.splitlines()[1:]
    assert excerpt[0] == source.splitlines()[line - 1]
    assert excerpt[1] == " " * (column - 1) + "^"


def test_nn_import_reports_errors_with_the_file_name(tmp_path: Path) -> None:
    from tests.conftest import run_tool

    source = tmp_path / "bad.tc"
    source.write_text(MM + "  C[i,j] = A[i,k] * B[k,j]\n}\n")
    done = run_tool("nnopt.tools.nn_import", str(source))
    assert done.returncode == 1
    assert_no_traceback(done)
    assert done.stderr.startswith(f"{source}:2:16: error: index 'k' appears only on the right-hand side")
    assert done.stdout == ""


def test_nn_import_rejects_unknown_suffixes_and_bare_stdin(tmp_path: Path) -> None:
    from tests.conftest import run_tool

    model = tmp_path / "model.xyz"
    model.write_text("")
    done = run_tool("nnopt.tools.nn_import", str(model))
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "unknown file suffix '.xyz'; known: .tc (" in done.stderr
    stdin = run_tool("nnopt.tools.nn_import", "-", stdin="")
    assert stdin.returncode == 1
    assert "reading stdin needs --format" in stdin.stderr


def test_nn_import_writes_ir_that_nn_opt_lowers_to_c(tmp_path: Path) -> None:
    from tests.conftest import run_nn_opt, run_tool

    source = tmp_path / "mm.tc"
    source.write_text(MM + "  C[i,j] += A[i,k] * B[k,j]\n}\n")
    out = tmp_path / "mm.mlir"
    done = run_tool("nnopt.tools.nn_import", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    from_stdin = run_tool("nnopt.tools.nn_import", "-", "--format=tc", stdin=source.read_text())
    assert from_stdin.stdout == out.read_text()
    lowered = run_nn_opt(str(out), "-p", "lower-to-affine", "-t", "c")
    assert lowered.returncode == 0, lowered.stderr
    assert "int f(const float *restrict A, const float *restrict B, float *restrict out)" in lowered.stdout
