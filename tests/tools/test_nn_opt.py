"""nn-opt as a user runs it: options, outputs, and every error path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, assert_no_traceback, run_nn_opt

EXAMPLE = REPO / "examples" / "mlp.mlir"

BAD_MATMUL = """\
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %c = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}
"""


def test_pass_pipeline_and_short_form_agree() -> None:
    long = run_nn_opt(str(EXAMPLE), "--pass-pipeline=builtin.module(convert-graph-to-linalg, bufferize)")
    short = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg,bufferize")
    assert long.returncode == short.returncode == 0, long.stderr + short.stderr
    assert long.stdout == short.stdout
    assert "memref.alloc" in long.stdout and "graph." not in long.stdout


def test_nested_func_anchor_is_accepted() -> None:
    done = run_nn_opt(str(EXAMPLE), "--pass-pipeline=builtin.module(func.func(convert-graph-to-linalg))")
    assert done.returncode == 0, done.stderr
    assert "linalg.generic" in done.stdout


def test_c_output_to_file_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "mlp.c"
    done = run_nn_opt("-", "-p", "lower-to-affine", "-t", "c", "-o", str(out), stdin=EXAMPLE.read_text())
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "int dense_relu(const float *restrict x" in text
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("args", "stdin", "pattern"),
    [
        (["-p", "no-such-pass"], None, r"^pass-pipeline:1:1: error: unknown pass 'no-such-pass'"),
        (
            ["-p", "bufferize{bogus=1}"],
            None,
            r"error: bad options for pass 'bufferize': Provided arguments \[\"bogus\"\] not found",
        ),
        (["--pass-pipeline", "builtin.module(bufferize"], None, r"error: missing '\)' in pass pipeline"),
        (["-p", "bufferize{x=1"], None, r"error: malformed pass pipeline"),
        (["-t", "llvm"], None, r"error: unknown output format 'llvm'"),
    ],
)
def test_pipeline_errors(args: list[str], stdin: str | None, pattern: str) -> None:
    done = run_nn_opt(str(EXAMPLE), *args, stdin=stdin)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert re.search(pattern, done.stderr, re.MULTILINE), done.stderr


def test_syntax_error_has_location_and_caret(tmp_path: Path) -> None:
    source = tmp_path / "broken.mlir"
    source.write_text("func.func @f() {\n  %x = arith.constant 1.0 : )\n  func.return\n}\n")
    done = run_nn_opt(str(source))
    assert done.returncode == 1
    assert_no_traceback(done)
    assert re.search(rf"^{re.escape(str(source))}:2:\d+: error: ", done.stderr, re.MULTILINE), done.stderr
    assert "^" in done.stderr  # the caret under the offending token


def test_undefined_value_points_at_its_use(tmp_path: Path) -> None:
    source = tmp_path / "undefined.mlir"
    source.write_text("func.func @f() {\n  %x = arith.addf %y, %y : f32\n  func.return\n}\n")
    done = run_nn_opt(str(source))
    assert done.returncode == 1
    assert_no_traceback(done)
    assert f"{source}:2:3: error: use of undefined value '%y'" in done.stderr


def test_unknown_op_has_location() -> None:
    done = run_nn_opt("-", stdin="func.func @f() {\n  \"nodialect.op\"() : () -> ()\n  func.return\n}\n")
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "<stdin>:2:" in done.stderr and "nodialect.op" in done.stderr


def test_verifier_error_has_location_and_message() -> None:
    done = run_nn_opt("-", stdin=BAD_MATMUL)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "<stdin>:2:3: error: 'graph.matmul' op matmul inner dimensions differ" in done.stderr


def test_missing_input_file() -> None:
    done = run_nn_opt("/nonexistent/x.mlir")
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "error: cannot read '/nonexistent/x.mlir'" in done.stderr


def test_split_input_file_reports_each_chunk_with_file_lines() -> None:
    text = BAD_MATMUL + "// -----\n" + BAD_MATMUL
    done = run_nn_opt("-", "--split-input-file", stdin=text)
    assert done.returncode == 1
    assert "<stdin>:2:3: error" in done.stderr
    assert "<stdin>:7:3: error" in done.stderr


def test_split_input_file_counts_blank_lines_after_the_separator() -> None:
    text = BAD_MATMUL + "\n// -----\n\n\n" + BAD_MATMUL
    done = run_nn_opt("-", "--split-input-file", stdin=text)
    assert done.returncode == 1
    assert "<stdin>:2:3: error" in done.stderr
    assert "<stdin>:10:3: error" in done.stderr, done.stderr


def test_verify_diagnostics_passes_and_fails() -> None:
    annotated = BAD_MATMUL.replace(
        "  %c = graph.matmul", "  // expected-error @+1 {{inner dimensions differ}}\n  %c = graph.matmul"
    )
    ok = run_nn_opt("-", "--verify-diagnostics", stdin=annotated)
    assert ok.returncode == 0, ok.stderr
    wrong = run_nn_opt("-", "--verify-diagnostics", stdin=annotated.replace("inner dimensions", "outer"))
    assert wrong.returncode == 1
    assert 'expected error "outer differ" was not produced' in wrong.stderr
    assert "unexpected error: 'graph.matmul' op matmul inner dimensions differ" in wrong.stderr


def _dumps(stderr: str) -> list[str]:
    return re.findall(r"^// -----// IR Dump (?:After|Before) ([\w-]+) //----- //$", stderr, re.MULTILINE)


def test_print_ir_after_all_and_filter() -> None:
    # a named pipeline is watched step by step
    done = run_nn_opt(str(EXAMPLE), "-p", "lower-to-affine", "--print-ir-after-all")
    assert done.returncode == 0
    assert _dumps(done.stderr) == ["convert-graph-to-linalg", "bufferize", "convert-linalg-to-affine"]
    after_bufferize = done.stderr.split("IR Dump After bufferize //----- //\n")[1].split("// -----//")[0]
    assert "memref.alloc" in after_bufferize and "linalg.generic" in after_bufferize
    filtered = run_nn_opt(
        str(EXAMPLE), "-p", "convert-graph-to-linalg,bufferize", "--print-ir-after=bufferize"
    )
    assert _dumps(filtered.stderr) == ["bufferize"]
    # the filter matches steps inside a named pipeline, and the pipeline itself
    nested = run_nn_opt(str(EXAMPLE), "-p", "lower-to-affine", "--print-ir-after=bufferize,lower-to-affine")
    assert _dumps(nested.stderr) == ["bufferize", "lower-to-affine"]


def test_print_ir_before_all() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg,bufferize", "--print-ir-before-all")
    assert done.returncode == 0
    assert _dumps(done.stderr) == ["convert-graph-to-linalg", "bufferize"]
    before_first = done.stderr.split("// -----// IR Dump Before bufferize")[0]
    assert "graph.matmul" in before_first


def test_print_ir_after_rejects_unknown_pass_names() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "bufferize", "--print-ir-after=bufferise")
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "error: --print-ir-after names 'bufferise', which is not a pass" in done.stderr


def test_print_ir_diff_shows_changed_lines() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg", "--print-ir-diff")
    assert done.returncode == 0
    assert "--- before convert-graph-to-linalg" in done.stderr
    assert re.search(r"^-\s+%y = graph.matmul", done.stderr, re.MULTILINE)
    assert re.search(r"^\+\s+%y = linalg.generic", done.stderr, re.MULTILINE)


def test_time_passes_report() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg,bufferize", "--time-passes")
    assert done.returncode == 0
    assert "Pass execution timing report" in done.stderr
    assert re.search(r"\d+\.\d+ \(\s*\d+\.\d%\)  bufferize", done.stderr)


def test_time_passes_nests_pipeline_steps() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "lower-to-affine", "--time-passes")
    assert done.returncode == 0
    names = re.findall(r"^\s+\d+\.\d+ \(\s*[\d.]+%\)  ( *[\w-]+)$", done.stderr, re.MULTILINE)
    assert names == ["lower-to-affine", "  convert-graph-to-linalg", "  bufferize", "  convert-linalg-to-affine", "Total"]
    assert "100.0%)  lower-to-affine" in done.stderr  # the steps are not counted twice


def test_list_passes_names_summaries_and_options() -> None:
    done = run_nn_opt("--list-passes")
    assert done.returncode == 0
    text = done.stdout
    for name in ("convert-graph-to-linalg", "bufferize", "convert-linalg-to-affine", "lower-to-affine", "cse"):
        assert re.search(rf"^{re.escape(name)}\n    \S", text, re.MULTILINE), name
    assert "options: target: str = 'native'" in text
    assert "runs: convert-graph-to-linalg, bufferize, convert-linalg-to-affine" in text


def test_c_target_option_selects_target() -> None:
    done = run_nn_opt(str(EXAMPLE), "-p", "lower-to-affine", "-t", "c{target=nonexistent}")
    assert done.returncode == 1
    assert "unknown target 'nonexistent'" in done.stderr


def test_generated_c_compiles_without_warnings(tmp_path: Path) -> None:
    import subprocess

    done = run_nn_opt(
        str(EXAMPLE),
        "--pass-pipeline=builtin.module(convert-graph-to-linalg,bufferize,convert-linalg-to-affine)",
        "-t",
        "c",
        "-o",
        str(tmp_path / "k.c"),
    )
    assert done.returncode == 0, done.stderr
    cc = subprocess.run(
        ["cc", "-O3", "-Wall", "-Wextra", "-c", str(tmp_path / "k.c"), "-o", str(tmp_path / "k.o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cc.returncode == 0
    assert cc.stderr == "", cc.stderr
