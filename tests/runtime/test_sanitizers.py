"""Sanitized builds: requested by argument or environment, cached apart, refused where they
cannot load, and run (in a child process with the ASan runtime preloaded) over the e2e
tests marked `sanitize`, where they catch out-of-bounds accesses and undefined behaviour."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nnopt
from nnopt.runtime.build import build
from nnopt.runtime.sanitizers import (
    SANITIZE_FLAGS,
    asan_runtime_loaded,
    preload_environment,
    sanitize_requested,
)
from nnopt.runtime.targets import get_target
from tests.conftest import REPO

COPY = """
func.func @copy(%A: memref<4xf32>, %B: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %A[%i] : memref<4xf32>
    affine.store %v, %B[%i] : memref<4xf32>
  }
  func.return
}
"""

# three elements: too short to vectorize, so the overflow is one scalar store
OUT_OF_BOUNDS = """
func.func @shift(%A: memref<3xf32>, %B: memref<3xf32>) {
  affine.for %i = 0 to 3 {
    %v = affine.load %A[%i] : memref<3xf32>
    affine.store %v, %B[%i + 1] : memref<3xf32>
  }
  func.return
}
"""


def _child(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **preload_environment(), "NNOPT_CACHE_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False
    )


def test_sanitize_is_requested_by_argument_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NNOPT_SANITIZE", raising=False)
    assert not sanitize_requested(None)
    assert sanitize_requested(True)
    monkeypatch.setenv("NNOPT_SANITIZE", "1")
    assert sanitize_requested(None)
    assert not sanitize_requested(False)


def test_loading_needs_the_asan_runtime_first(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not asan_runtime_loaded(), "run this file without LD_PRELOAD"
    with pytest.raises(nnopt.CompileError, match=r"LD_PRELOAD=\S*libasan\S* ASAN_OPTIONS=detect_leaks=0"):
        nnopt.compile(COPY, sanitize=True)
    monkeypatch.setenv("NNOPT_SANITIZE", "1")
    with pytest.raises(nnopt.CompileError, match="ASan runtime"):
        nnopt.compile(COPY)


def test_sanitized_builds_are_cached_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    source = "int twice(int x) { return 2 * x; }\n"
    plain = build(source, get_target("native"))
    sanitized = build(source, get_target("native"), SANITIZE_FLAGS)
    assert plain != sanitized
    assert plain.exists() and sanitized.exists()
    assert b"__asan" in sanitized.read_bytes() and b"__asan" not in plain.read_bytes()
    assert build(source, get_target("native"), SANITIZE_FLAGS) == sanitized


def test_cross_targets_cannot_be_sanitized() -> None:
    with pytest.raises(nnopt.CompileError, match="use a host target"):
        from nnopt.runtime.sanitizers import sanitizer_flags

        sanitizer_flags(get_target("aarch64-neon"))


def test_sanitizer_stops_an_out_of_bounds_kernel(tmp_path: Path) -> None:
    code = (
        "import numpy as np, nnopt\n"
        f"exe = nnopt.compile({OUT_OF_BOUNDS!r})\n"
        "exe(np.arange(3, dtype=np.float32), np.zeros(3, np.float32))\n"
        "print('finished')\n"
    )
    done = _child(code, tmp_path)
    assert done.returncode != 0
    assert "finished" not in done.stdout
    # ASan names a store one element past a small heap buffer heap-buffer-overflow or,
    # depending on where the allocator put the buffer, unknown-crash
    assert re.search(r"AddressSanitizer: (heap-buffer-overflow|unknown-crash)", done.stderr), done.stderr[-3000:]
    assert re.search(r"in shift .*\.c:\d+", done.stderr)  # the report names the line of the generated C


def test_sanitized_kernel_runs_correctly(tmp_path: Path) -> None:
    code = (
        "import numpy as np, nnopt\n"
        f"exe = nnopt.compile({COPY!r})\n"
        "a = np.arange(4, dtype=np.float32); b = np.zeros(4, np.float32)\n"
        "exe(a, b); assert (a == b).all(); print('ok')\n"
    )
    done = _child(code, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")


def test_marked_e2e_tests_pass_under_sanitizers(tmp_path: Path) -> None:
    env = {**os.environ, **preload_environment(), "NNOPT_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "sanitize", "-p", "no:cacheprovider",
         "tests/e2e", "tests/fuzz/test_regressions.py"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=1200, check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, summary
