"""The distribution installs as one `nnopt` package, importable from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO


def test_every_source_package_is_declared() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(config["packages"])
    mapping = config["package-dir"]
    found = {"nnopt"}
    for package, folder in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder)
            found.add(".".join([package, *relative.parts]) if relative.parts else package)
    assert found == declared


@pytest.mark.slow
def test_fresh_venv_install_imports_from_outside_the_repo(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # reuse this environment's dependencies (no network), but not its nnopt
    purelib = sysconfig.get_paths()["purelib"]
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    Path(site, "parent-env.pth").write_text(purelib + "\n")
    # build the wheel here (this environment has the build tools), install it there
    wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(tmp_path / "dist"), str(REPO)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert wheel.returncode == 0, wheel.stderr
    [wheel_file] = (tmp_path / "dist").glob("nn_opt-*.whl")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel_file)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert install.returncode == 0, install.stderr
    probe = """
import importlib.util, nnopt, nnopt.dialects.graph, nnopt.lowering.pipeline, nnopt.tools.nn_opt
assert nnopt.__file__.startswith(SITE), nnopt.__file__
for bare in ("dialects", "passes", "lowering", "runtime", "tools", "support"):
    assert importlib.util.find_spec(bare) is None, bare
import numpy as np
exe = nnopt.compile(open(EXAMPLE).read())
x, w, b = np.ones((4, 8), np.float32), np.ones((8, 16), np.float32), np.ones(16, np.float32)
assert float(exe(x, w, b)[0, 0]) == 9.0
# the tensor comprehension grammar ships with the package
assert "linalg.generic" in str(nnopt.tc("def f(A: f32[2]) -> B { B[i] = A[i] }"))
print("ok")
""".replace("SITE", repr(site)).replace("EXAMPLE", repr(str(REPO / "examples" / "mlp.mlir")))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    tool = subprocess.run(
        [str(venv / "bin" / "nn-opt"), "--list-passes"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert tool.returncode == 0 and "bufferize" in tool.stdout
    (tmp_path / "k.tc").write_text("def k(A: f32[3]) -> B {\n  B[i] = exp(A[i])\n}\n")
    importer = subprocess.run(
        [str(venv / "bin" / "nn-import"), "k.tc"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert importer.returncode == 0 and "math.exp" in importer.stdout, importer.stderr
