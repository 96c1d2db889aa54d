"""nn-bench's driver: runs every (workload, runner, threads) in its own process and
prints one table with ms, GFLOP/s, % of peak and the ratio to the best library.

    rows = run_all(workloads, runners, threads=(1, 2))
    print(format_table(rows))
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from nnopt.bench.workloads import Workload

LIBRARIES = ("numpy", "torch", "onnxruntime")
PEAK_GFLOPS = {1: 228.5, 2: 446.0}
"""fp32 AVX-512 FMA peak of this machine (PERF.md), per thread count."""

WORKER_TIMEOUT_S = 900


def available_runners(requested: Sequence[str]) -> list[str]:
    modules = {"torch": "torch", "onnxruntime": "onnxruntime"}
    return [r for r in requested if r not in modules or importlib.util.find_spec(modules[r]) is not None]


def run_one(runner: str, workload: Workload, threads: int, pipelines: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Time `runner` in a worker process; `pipelines` maps extra runner names to nnopt pipelines."""
    spec = json.dumps({"runner": runner, "workload": workload.name, "threads": threads, "pipeline": (pipelines or {}).get(runner)})
    # numpy's BLAS gets the threads only when numpy is the runner: elsewhere it just
    # computes the reference, and its idle threads would spin beside the timed ones
    blas_threads = threads if runner == "numpy" else 1
    env = dict(
        os.environ,
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        OPENBLAS_NUM_THREADS=str(blas_threads),
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nnopt.bench.worker", spec],
            capture_output=True, text=True, timeout=WORKER_TIMEOUT_S, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"runner": runner, "workload": workload.name, "threads": threads, "ok": False, "error": "timed out"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        message = (done.stderr.strip().splitlines() or ["worker failed"])[-1]
        return {"runner": runner, "workload": workload.name, "threads": threads, "ok": False, "error": message[:200]}
    record: dict[str, Any] = json.loads(lines[-1])
    if record.get("ok"):
        gflops = workload.flops / (record["ms"] * 1e-3) / 1e9
        record["gflops"] = gflops
        record["peak_fraction"] = gflops / PEAK_GFLOPS.get(threads, PEAK_GFLOPS[1] * threads)
        record["intensity"] = workload.flops / workload.bytes_moved
    return record


def progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:50s}")
    sys.stderr.flush()
    if done == total:
        sys.stderr.write("\n")


def run_all(
    workloads: Sequence[Workload], runners: Sequence[str], threads: Sequence[int], pipelines: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    jobs = [(w, r, t) for t in threads for w in workloads for r in runners]
    rows: list[dict[str, Any]] = []
    for index, (workload, runner, count) in enumerate(jobs):
        progress(index, len(jobs), f"{workload.name} {runner} {count}T")
        rows.append(run_one(runner, workload, count, pipelines))
    progress(len(jobs), len(jobs), "done")
    add_ratios(rows)
    return rows


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Each row's speed relative to the fastest library in the same group."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["workload"], row["threads"]), []).append(row)
    for group in groups.values():
        libraries = [r for r in group if r["runner"] in LIBRARIES and r.get("ok")]
        if not libraries:
            continue
        best = min(libraries, key=lambda r: r["ms"])
        for row in group:
            if row.get("ok"):
                row["vs_best"] = best["ms"] / row["ms"]
                row["best_library"] = best["runner"]


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    header = f"{'workload':30s} {'thr':>3s} {'runner':13s} {'ms':>9s} {'GF/s':>8s} {'%peak':>6s} {'vs best lib':>16s}"
    lines = [header, "-" * len(header)]
    previous = None
    for row in rows:
        key = (row["workload"], row["threads"])
        if previous is not None and key != previous:
            lines.append("")
        previous = key
        if not row.get("ok"):
            lines.append(f"{row['workload']:30s} {row['threads']:>3d} {row['runner']:13s} {'-':>9s}   {row.get('error', '')}")
            continue
        ratio = f"{row['vs_best']:.2f}x ({row['best_library']})" if "vs_best" in row else "-"
        lines.append(
            f"{row['workload']:30s} {row['threads']:>3d} {row['runner']:13s} {row['ms']:9.3f} "
            f"{row['gflops']:8.1f} {100 * row['peak_fraction']:5.0f}% {ratio:>16s}"
        )
    return "\n".join(lines) + "\n"


def plot_roofline(rows: Sequence[dict[str, Any]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 5))
    bandwidth = {1: 14.1, 2: 27.7}  # GB/s, PERF.md
    for threads, style in ((1, "-"), (2, "--")):
        peak = PEAK_GFLOPS[threads]
        xs = [2**e for e in range(-4, 12)]
        axis.plot(xs, [min(peak, bandwidth[threads] * x) for x in xs], "k" + style, label=f"roof {threads}T")
    markers = {"nnopt": "o", "nnopt-scalar": "x", "numpy": "s", "torch": "^", "onnxruntime": "v"}
    for row in rows:
        if row.get("ok"):
            axis.loglog(row["intensity"], row["gflops"], markers.get(row["runner"], "."), label=f"{row['runner']} {row['threads']}T")
    handles, labels = axis.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    axis.legend(unique.values(), unique.keys(), fontsize=7)
    axis.set_xlabel("arithmetic intensity (FLOP / compulsory byte)")
    axis.set_ylabel("GFLOP/s")
    axis.set_title("nn-bench roofline")
    figure.savefig(path, dpi=120)
