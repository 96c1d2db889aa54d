"""nn-bench: the generated kernels beside numpy, PyTorch and ONNX Runtime, in one run.

    nn-bench                       # PERF.md's shapes, 1 and 2 threads, every runner installed
    nn-bench --quick               # small shapes, for a smoke run
    nn-bench --only conv --threads 1 --scalar --json rows.json --plot roofline.png
    nn-bench --only "conv c" --pipeline 'direct=default-pipeline{conv-strategy=direct}'

Each (workload, runner, threads) runs in its own process; outputs are allocated
once; every result is checked against a float64 reference before it is timed;
times are medians of samples of at least 50 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from nnopt.bench.driver import LIBRARIES, available_runners, format_table, plot_roofline, run_all
from nnopt.bench.workloads import default_workloads, small_workloads


def _named_pipeline(parser: argparse.ArgumentParser, text: str) -> tuple[str, str]:
    name, sep, pipeline = text.partition("=")
    if not sep or not name or name in LIBRARIES:
        parser.error(f"--pipeline wants NAME=PIPELINE with a new runner name, not '{text}'")
    return name, pipeline


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="nn-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes only")
    parser.add_argument("--only", action="append", default=[], help="keep workloads whose name contains this (repeatable)")
    parser.add_argument("--threads", type=int, action="append", help="thread counts (default: 1 and 2)")
    parser.add_argument("--scalar", action="store_true", help="also time nnopt's unoptimised pipeline")
    parser.add_argument("--runners", default="nnopt," + ",".join(LIBRARIES), help="comma-separated runners")
    parser.add_argument(
        "--pipeline", action="append", default=[], metavar="NAME=PIPELINE",
        help="also time nnopt compiled with PIPELINE, as runner NAME (repeatable)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the raw rows as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="write a roofline plot (needs matplotlib)")
    args = parser.parse_args(argv)
    workloads = small_workloads() if args.quick else default_workloads()
    if args.only:
        workloads = [w for w in workloads if any(key in w.name for key in args.only)]
    runners = [r for r in args.runners.split(",") if r]
    if args.scalar:
        runners.insert(1, "nnopt-scalar")
    pipelines = dict(_named_pipeline(parser, text) for text in args.pipeline)
    runners = available_runners(runners)
    runners[1:1] = [name for name in pipelines if name not in runners]
    rows = run_all(workloads, runners, args.threads or [1, 2], pipelines)
    sys.stdout.write(format_table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)
    if args.plot:
        try:
            plot_roofline(rows, args.plot)
        except ImportError:
            print("nn-bench: error: --plot needs matplotlib (pip install matplotlib)", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
