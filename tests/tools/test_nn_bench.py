"""nn-bench runs on a fresh install: a small workload through nnopt and numpy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_quick_bench_prints_a_checked_table(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_bench", "--quick", "--only", "matmul", "--threads", "1",
         "--runners", "nnopt,numpy", "--json", str(rows_file)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "matmul 128x128x128" in done.stdout and "GF/s" in done.stdout
    rows = json.loads(rows_file.read_text())
    assert {r["runner"] for r in rows} == {"nnopt", "numpy"}
    assert all(r["ok"] and r["max_error"] < 1e-3 and r["ms"] > 0 for r in rows)
    assert rows[0]["vs_best"] > 0 and rows[0]["best_library"] == "numpy"


def test_pipeline_option_adds_a_runner(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_bench", "--quick", "--only", "conv small", "--threads", "1",
         "--runners", "numpy", "--pipeline", "im2col=default-pipeline{conv-strategy=im2col}",
         "--json", str(rows_file)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(rows_file.read_text())
    assert [r["runner"] for r in rows] == ["numpy", "im2col"]
    assert all(r["ok"] and r["max_error"] < 1e-3 for r in rows)


def test_pipeline_option_needs_a_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nnopt.tools.nn_bench", "--pipeline", "default-pipeline"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2 and "--pipeline wants NAME=PIPELINE" in done.stderr
