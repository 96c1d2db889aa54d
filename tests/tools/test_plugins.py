"""Plugins from outside the repository: --load-plugin, entry points, nnopt.compile(plugins=).

The example in examples/plugin is copied to a temporary directory and used from
there, as a user with their own project would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, assert_no_traceback, run_nn_opt

EXAMPLE = REPO / "examples" / "plugin"
BIN = Path(sys.executable).parent

SOFTSIGN = """\
func.func @softsign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ex.softsign %x : tensor<4xf32>
  func.return %y : tensor<4xf32>
}
"""


@pytest.fixture
def plugin_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ex-plugin"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("Output", "__pycache__", "build", "*.egg-info"))
    return target


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def test_example_is_small() -> None:
    lines = [line for line in (EXAMPLE / "ex_plugin.py").read_text().splitlines() if line.strip()]
    assert len(lines) < 50


def test_example_lit_suite_passes_outside_the_repository(plugin_copy: Path) -> None:
    done = subprocess.run(
        [str(BIN / "lit"), "-v", "tests"],
        cwd=plugin_copy,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed: 6" in done.stdout, done.stdout


def test_load_plugin_by_name_from_working_directory_and_by_path(plugin_copy: Path) -> None:
    by_name = run_nn_opt("-", "--load-plugin=ex_plugin", "-p", "convert-ex-to-linalg", stdin=SOFTSIGN, cwd=plugin_copy)
    assert by_name.returncode == 0, by_name.stderr
    assert "ex.softsign_f" in by_name.stdout and "linalg.generic" in by_name.stdout
    by_path = run_nn_opt(
        "-", f"--load-plugin={plugin_copy / 'ex_plugin.py'}", "-p", "convert-ex-to-linalg", stdin=SOFTSIGN
    )
    assert by_path.returncode == 0, by_path.stderr
    assert by_path.stdout == by_name.stdout


def test_installed_plugin_is_found_through_its_entry_point(plugin_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(plugin_copy)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    env = _env(PYTHONPATH=str(site))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # no --load-plugin: the tool finds the pass and the dialect by itself
    tool = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_opt", "-", "-p", "convert-ex-to-linalg,lower-to-affine", "-t", "c"],
        input=SOFTSIGN, env=env, cwd=elsewhere, capture_output=True, text=True, timeout=300, check=False,
    )
    assert tool.returncode == 0, tool.stderr
    assert "/ (1 + fabsf(" in tool.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_opt", "--list-passes"],
        env=env, cwd=elsewhere, capture_output=True, text=True, timeout=300, check=False,
    )
    assert "ex-expand-softsign\n    Rewrite ex.softsign_f" in listing.stdout
    script = (
        "import numpy as np, nnopt\n"
        f"exe = nnopt.compile({SOFTSIGN!r}, pipeline='convert-ex-to-linalg')\n"
        "x = np.array([-3, -0.5, 0, 2], np.float32)\n"
        "np.testing.assert_allclose(exe(x), x / (1 + np.abs(x)), rtol=1e-6, atol=1e-7)\n"
        "print('matches')\n"
    )
    api = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=elsewhere, capture_output=True, text=True, timeout=300, check=False
    )
    assert api.returncode == 0, api.stderr
    assert api.stdout.strip() == "matches"


def test_missing_plugin_is_a_clear_error(tmp_path: Path) -> None:
    done = run_nn_opt("--load-plugin=no_such_plugin_module", "--list-passes", cwd=tmp_path)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "error: cannot load plugin 'no_such_plugin_module': ModuleNotFoundError" in done.stderr


def test_plugin_that_fails_on_import_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('plugin exploded')\n")
    done = run_nn_opt("--load-plugin=broken_plugin", "--list-passes", cwd=tmp_path)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "cannot load plugin 'broken_plugin': RuntimeError: plugin exploded" in done.stderr


def test_plugin_pass_with_a_taken_name_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "clash_plugin.py").write_text(
        "from dataclasses import dataclass\n"
        "from xdsl.passes import ModulePass\n"
        "from nnopt.registry import register_pass\n"
        "@register_pass\n"
        "@dataclass(frozen=True)\n"
        "class Mine(ModulePass):\n"
        "    '''Pretends to be bufferize.'''\n"
        "    name = 'bufferize'\n"
        "    def apply(self, ctx, op): pass\n"
    )
    done = run_nn_opt("--load-plugin=clash_plugin", "--list-passes", cwd=tmp_path)
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "a different pass is already registered as 'bufferize'" in done.stderr


def test_broken_entry_point_is_reported(tmp_path: Path) -> None:
    info = tmp_path / "site" / "broken_ep-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-ep\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[nnopt.plugins]\nbroken = no_such_module_for_ep\n")
    done = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_opt", "--list-passes"],
        env=_env(PYTHONPATH=str(tmp_path / "site")), capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 1
    assert_no_traceback(done)
    assert "cannot load plugin entry point 'broken' (no_such_module_for_ep): ModuleNotFoundError" in done.stderr
