"""Original vs poly-scheduled loop nests at PolyBench LARGE-like sizes.

    python benchmarks/poly_bench.py                       # every kernel, default options
    python benchmarks/poly_bench.py gemm conv2d --options 'fuse=smartfuse'
    python benchmarks/poly_bench.py --threads 1           # one thread count only
    python benchmarks/poly_bench.py --then affine-vectorize,affine-register-block

For each kernel of examples/polybench/kernels.py, the original affine code
(`pipeline=""`) and the code after `poly-schedule{OPTIONS}` are built once;
each measurement then runs in its own process with OMP_NUM_THREADS set (so one
OpenMP runtime never steals the other's cores) and OMP_WAIT_POLICY=passive by
default (spinning OpenMP threads on a loaded 2-core machine turn a 0.2 ms
kernel into 30 ms), warms up, and reports the median of repeated calls. Before timing, the scheduled result is checked
against the original one. The table gives the times, the speedups and their
geometric mean, per thread count. Times are noisy on a shared machine: compare
ratios from the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples" / "polybench"))

from kernels import KERNELS, Kernel  # noqa: E402

import nnopt  # noqa: E402
from nnopt.lowering.pipeline import parse_pipeline, run_pass  # noqa: E402
from nnopt.registry import make_context  # noqa: E402
from nnopt.support.diagnostics import collect_diagnostics  # noqa: E402
from nnopt.support.parsing import parse_module  # noqa: E402


def scheduled_ir(text: str, options: str, then: str = "") -> tuple[str, float, list[str]]:
    """The IR after poly-schedule{options} (and the passes `then`), the scheduling
    time and the remarks."""
    ctx = make_context()
    module = parse_module(ctx, text, "kernel.mlir")
    [schedule] = parse_pipeline(f"poly-schedule{{{options}}}")
    start = time.perf_counter()
    with collect_diagnostics() as diagnostics:
        run_pass(ctx, module, schedule)
        elapsed = time.perf_counter() - start
        for step in parse_pipeline(then):
            run_pass(ctx, module, step)
    return str(module), elapsed, [str(d) for d in diagnostics]


def _arrays(kernel: Kernel) -> list[np.ndarray]:
    return kernel.inputs(kernel.large, np.random.default_rng(7))


def worker(ir_path: str, kernel_name: str, min_seconds: float) -> None:
    """Time one compiled variant (run in a child process with OMP_NUM_THREADS set)."""
    kernel = KERNELS[kernel_name]
    exe = nnopt.compile(Path(ir_path).read_text(), pipeline="")
    pristine = _arrays(kernel)
    work = [a.copy() for a in pristine]
    exe(*work)  # warm-up (page faults, OpenMP thread start)
    samples: list[float] = []
    total = 0.0
    while len(samples) < 3 or (total < min_seconds and len(samples) < 50):
        for target, source in zip(work, pristine, strict=True):
            np.copyto(target, source)
        start = time.perf_counter()
        exe(*work)
        samples.append(time.perf_counter() - start)
        total += samples[-1]
    print(json.dumps({"median": statistics.median(samples), "min": min(samples), "runs": len(samples)}))


def measure(ir_path: Path, kernel: str, threads: int, min_seconds: float, wait_policy: str) -> float:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY=wait_policy)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(ir_path), kernel, "--min-seconds", str(min_seconds)],
        env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker failed for {kernel}:\n{done.stderr}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["median"])


def check(kernel: Kernel, original: str, scheduled: str) -> float:
    """Largest relative difference between the two variants' outputs."""
    base, ours = _arrays(kernel), _arrays(kernel)
    nnopt.compile(original, pipeline="")(*base)
    nnopt.compile(scheduled, pipeline="")(*ours)
    worst = 0.0
    for index in kernel.outputs:
        scale = float(np.max(np.abs(base[index]))) or 1.0
        worst = max(worst, float(np.max(np.abs(base[index] - ours[index]))) / scale)
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kernels", nargs="*", default=list(KERNELS))
    parser.add_argument("--options", default="", help="poly-schedule options, e.g. 'fuse=smartfuse'")
    parser.add_argument(
        "--then",
        default="",
        help="passes run after poly-schedule, e.g. 'affine-vectorize,affine-register-block' "
        "(the rest of the default pipeline)",
    )
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--min-seconds", type=float, default=0.5, help="time spent sampling each variant")
    parser.add_argument("--no-check", action="store_true", help="skip comparing the outputs")
    parser.add_argument(
        "--wait-policy",
        default="passive",
        choices=["passive", "active"],
        help="OMP_WAIT_POLICY: idle OpenMP threads sleep (passive, right on a shared machine) or spin",
    )
    parser.add_argument("--worker", nargs=2, metavar=("IR", "KERNEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], args.min_seconds)
        return 0
    unknown = [k for k in args.kernels if k not in KERNELS]
    if unknown:
        parser.error(f"unknown kernels {unknown}; choose from {list(KERNELS)}")
    then = f",{args.then}" if args.then else ""
    print(f"poly-schedule{{{args.options}}}{then} vs the original loops, median seconds per call")
    header = f"{'kernel':<11} {'sched s':>7}"
    for t in args.threads:
        header += f" | {t}T orig {'':>3} {t}T ours {'':>3} speedup"
    print(header + (" | max rel diff" if not args.no_check else ""))
    speedups: dict[int, list[float]] = {t: [] for t in args.threads}
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.kernels:
            kernel = KERNELS[name]
            original = kernel.ir(kernel.large)
            scheduled, seconds, remarks = scheduled_ir(original, args.options, args.then)
            paths = [Path(scratch, f"{name}.orig.mlir"), Path(scratch, f"{name}.ours.mlir")]
            paths[0].write_text(original)
            paths[1].write_text(scheduled)
            row = f"{name:<11} {seconds:7.2f}"
            for t in args.threads:
                before = measure(paths[0], name, t, args.min_seconds, args.wait_policy)
                after = measure(paths[1], name, t, args.min_seconds, args.wait_policy)
                speedups[t].append(before / after)
                row += f" | {before:11.4f} {after:11.4f} {before / after:7.2f}x"
            if not args.no_check:
                row += f" | {check(kernel, original, scheduled):.1e}"
            print(row, flush=True)
            for remark in remarks:
                print(f"    {remark}")
    for t in args.threads:
        values = speedups[t]
        mean = math.exp(sum(math.log(v) for v in values) / len(values))
        print(f"geometric mean speedup, {t} thread{'s' if t > 1 else ''}: {mean:.2f}x over {len(values)} kernels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
