"""Speed and memory benchmarks on BBC News: `make bench` prints one table and writes JSON.

README.md ("Performance") has the table from the development machine and how to read it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.newsbench.children import child_main
from benchmarks.newsbench.common import RESULTS, load_average
from benchmarks.newsbench.plan import Plan, run_plan
from benchmarks.newsbench.table import build_table, failed_steps, format_table, markdown_table

logger = logging.getLogger(__name__)


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for pkg in ("torch", "sentence-transformers", "onnxruntime", "chromadb", "bm25s"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_avg_start": load_average(),
        "versions": versions,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--backends",
        default="onnx,torch",
        help="backends compared on the subset and for serving (default: both)",
    )
    parser.add_argument(
        "--full-backend",
        default="onnx",
        help="backend that ingests the full corpus (default onnx: ~3x faster, "
        "which keeps the whole run under 20 minutes on 2 cores)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per median (default 3)")
    parser.add_argument(
        "--compare-runs",
        type=int,
        default=1,
        help="runs of the subset ingest for the other backends (default 1)",
    )
    parser.add_argument(
        "--subset-every",
        type=int,
        default=12,
        help="the subset is every Nth BBC file (default 12: 186 files)",
    )
    parser.add_argument("--questions", type=int, default=240)
    parser.add_argument(
        "--growth",
        default="1,10,100",
        help="index sizes in multiples of BBC (default 1,10,100; the 100x step pads the "
        "index with ~0.9 million chunks, about 8 minutes on 2 cores)",
    )
    parser.add_argument("--no-recipe", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few minutes")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the corpus copy, indexes and partial results here and resume from them "
        "(default: a temp folder)",
    )
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plan = Plan(
        backends=[b for b in args.backends.split(",") if b],
        full_backend=args.full_backend,
        runs=args.runs,
        compare_runs=args.compare_runs,
        subset_every=args.subset_every,
        questions=args.questions,
        growth=[int(x) for x in args.growth.split(",") if x],
        recipe=not args.no_recipe,
        quality=not args.no_quality,
    )
    if args.quick:
        plan.subset_every, plan.runs, plan.questions, plan.growth = 5, 1, 60, [1, 2]
        plan.compare_runs = 1
        plan.full_every = 10
    started = time.perf_counter()
    info = machine()
    if args.work:  # kept afterwards; rerunning with the same folder resumes
        args.work.mkdir(parents=True, exist_ok=True)
        results = run_plan(plan, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
            results = run_plan(plan, Path(tmp))
    rows = build_table(results, plan)
    table = format_table(rows)
    total = time.perf_counter() - started
    print(table)
    print(
        f"\n{info['cpus']} CPUs ({info['cpu']}); load average at start {info['load_avg_start']};"
        f" whole run {total / 60:.1f} min"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {
        "machine": info,
        "plan": {k: v for k, v in plan.__dict__.items() if k != "results"},
        "total_s": round(total, 1),
        "table": rows,
        "markdown": markdown_table(rows),
        "results": results,
    }
    for name in (f"bench-{stamp}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(payload, indent=2))
    print(f"results: {args.out / f'bench-{stamp}.json'}", file=sys.stderr)
    failed = failed_steps(results)
    if failed:
        # The table is printed either way; a broken step must still fail `make bench`.
        print(f"error: {len(failed)} step(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
