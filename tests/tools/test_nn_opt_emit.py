"""nn-opt's reading aids: --emit=c of any level, --emit-function, --emit=dot and its views."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import REPO, assert_no_traceback, run_nn_opt

EXAMPLE = REPO / "examples" / "mlp.mlir"

TWO_FUNCTIONS = """\
func.func @helper(%a: memref<4xf32>, %b: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %a[%i] : memref<4xf32>
    affine.store %v, %b[%i] : memref<4xf32>
  }
  func.return
}
func.func @caller(%a: memref<4xf32>, %b: memref<4xf32>) {
  func.call @helper(%a, %b) : (memref<4xf32>, memref<4xf32>) -> ()
  func.return
}
func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = graph.relu %x : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}
"""


def test_emit_c_lowers_a_copy_of_partly_lowered_ir(tmp_path: Path) -> None:
    # after convert-graph-to-linalg the IR is linalg on tensors: -t c refuses it ...
    strict = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg", "-t", "c")
    assert strict.returncode == 1
    assert "cannot be emitted as C" in strict.stderr or "run bufferize first" in strict.stderr
    # ... --emit=c shows the C it would become
    done = run_nn_opt(str(EXAMPLE), "-p", "convert-graph-to-linalg", "--emit=c", "--emit-function=dense_relu")
    assert done.returncode == 0, done.stderr
    assert "int dense_relu(const float *restrict x, const float *restrict w, const float *restrict b, float *restrict out)" in done.stdout
    source = tmp_path / "k.c"
    source.write_text(done.stdout)
    cc = subprocess.run(
        ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function", "-c", str(source), "-o", str(tmp_path / "k.o")],
        capture_output=True, text=True, check=False,
    )
    assert cc.returncode == 0, cc.stderr


def test_emit_function_keeps_only_the_function_and_its_callees() -> None:
    done = run_nn_opt("-", "--emit=c", "--emit-function=caller", stdin=TWO_FUNCTIONS)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^int caller\(", done.stdout, re.MULTILINE)
    assert re.search(r"^(static )?int helper\(", done.stdout, re.MULTILINE)
    assert "other" not in done.stdout
    # the other function is still graph-level: C of it alone lowers it on a copy
    other = run_nn_opt("-", "--emit=c", "--emit-function=other", stdin=TWO_FUNCTIONS)
    assert other.returncode == 0, other.stderr
    assert "int other(const float *restrict x, float *restrict out)" in other.stdout
    assert "caller" not in other.stdout
    mlir = run_nn_opt("-", "--emit-function=other", stdin=TWO_FUNCTIONS)
    assert "func.func @other" in mlir.stdout and "@caller" not in mlir.stdout and "graph.relu" in mlir.stdout


def test_emit_errors() -> None:
    missing = run_nn_opt("-", "--emit=c", "--emit-function=nope", stdin=TWO_FUNCTIONS)
    assert missing.returncode == 1
    assert_no_traceback(missing)
    assert "error: no function 'nope' in the module (functions: helper, caller, other)" in missing.stderr
    both = run_nn_opt(str(EXAMPLE), "-t", "c", "--emit=c")
    assert both.returncode == 1 and "give either -t or --emit, not both" in both.stderr
    view = run_nn_opt(str(EXAMPLE), "--emit=dot{view=nonsense}")
    assert view.returncode == 1
    assert "unknown dot view 'nonsense' (registered: dataflow, dependences, schedule)" in view.stderr
    option = run_nn_opt(str(EXAMPLE), "--emit=dot{target=x86-avx2}")
    assert option.returncode == 1 and "output format 'dot' takes no option target" in option.stderr


def _edges(dot: str) -> list[tuple[str, str, str]]:
    return re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[label="([^"]*)"[^\]]*\];$', dot, re.MULTILINE)


def _labels(dot: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*"([^"]+)" \[label="((?:[^"\\]|\\.)*)"', dot, re.MULTILINE))


def test_emit_dot_draws_ops_and_typed_values() -> None:
    done = run_nn_opt(str(EXAMPLE), "--emit=dot")
    assert done.returncode == 0, done.stderr
    dot = done.stdout
    assert dot.startswith('digraph "dense_relu" {') and dot.rstrip().endswith("}")
    labels = _labels(dot)
    assert labels["arg0"] == "%x\\n4x8xf32"
    assert labels["op0"] == "%y = graph.matmul"
    assert labels["result0"] == "result #0\\n4x16xf32"
    assert _edges(dot) == [
        ("arg0", "op0", "4x8xf32"),
        ("arg1", "op0", "8x16xf32"),
        ("op0", "op1", "4x16xf32"),
        ("arg2", "op1", "16xf32"),
        ("op1", "op2", "4x16xf32"),
        ("op2", "result0", "4x16xf32"),
    ]


def test_emit_dot_of_several_functions_uses_clusters() -> None:
    done = run_nn_opt("-", "--emit=dot", stdin=TWO_FUNCTIONS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("subgraph \"cluster_") == 3
    labels = _labels(done.stdout)
    assert labels["1.op0"] == "func.call"
    assert labels["0.op0"].startswith("affine.for\\n(3 nested ops)")
    assert ("2.op0", "2.result0", "2xf32") in _edges(done.stdout)


VIEW_PLUGIN = '''
from nnopt.support.dot_views import register_dot_view
from nnopt.support.schedule_dot import Dependence, dependence_graph


@register_dot_view("statements")
def statements(function):
    names = [f"S{i}" for i, _ in enumerate(function.body.block.ops)]
    deps = [Dependence(a, b, "RAW", "{ " + a + "[i] -> " + b + "[i] }") for a, b in zip(names, names[1:])]
    return dependence_graph({n: "{ " + n + "[i] : 0 <= i < 4 }" for n in names}, deps)
'''


def test_a_plugin_registers_a_dot_view(tmp_path: Path) -> None:
    (tmp_path / "view_plugin.py").write_text(VIEW_PLUGIN)
    done = run_nn_opt(
        str(EXAMPLE), "--load-plugin=view_plugin", "--emit=dot{view=statements}", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('digraph "dependences" {')
    assert ("S0", "S1", "RAW\\n{ S0[i] -> S1[i] }") in _edges(done.stdout)
    assert _labels(done.stdout)["S3"] == "S3\\n{ S3[i] : 0 <= i < 4 }"
