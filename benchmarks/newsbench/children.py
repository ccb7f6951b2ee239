"""Child processes: each job runs in a fresh interpreter, measured for wall time and peak RSS.

Every measurement that loads a model runs in a fresh child process (benchmarks/bench.py with
`--child SPEC`), so peak RSS is per job and one job's caches never help another.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.newsbench.common import ROOT
from benchmarks.newsbench.growth_task import task_growth
from benchmarks.newsbench.ingest_tasks import task_encode, task_ingest, task_reingest
from benchmarks.newsbench.quality_task import task_quality
from benchmarks.newsbench.recipe_task import task_recipe
from benchmarks.newsbench.serve_tasks import task_serve

logger = logging.getLogger(__name__)

# The entry point a child is started with (`--child SPEC` hands it to `child_main`).
SCRIPT = ROOT / "benchmarks" / "bench.py"


@dataclass
class ChildResult:
    data: dict[str, Any]
    max_rss_mb: float
    wall_s: float


def run_child(task: str, spec: dict[str, Any], *, timeout: float = 3600) -> ChildResult:
    """Run `task` in a fresh interpreter; returns its JSON result, its own peak RSS and the
    wall time from launch to exit."""
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        out_path = Path(tmp) / "out.json"
        spec_path.write_text(json.dumps({"task": task, "out": str(out_path), **spec}))
        cmd = [sys.executable, str(SCRIPT), "--child", str(spec_path)]
        return launch(cmd, out_path=out_path, timeout=timeout)


def launch(
    cmd: list[str],
    *,
    out_path: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
    capture: bool = False,
) -> ChildResult:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE if capture else None, text=True
    )
    stdout = ""
    if capture and proc.stdout is not None:
        stdout = proc.stdout.read()
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child {cmd[2:]} failed with exit code {proc.returncode}")
    data: dict[str, Any] = {}
    if out_path is not None:
        data = json.loads(out_path.read_text())
    elif capture:
        data = {"stdout": stdout}
    # ru_maxrss is in KiB on Linux.
    return ChildResult(data, round(usage.ru_maxrss / 1024, 1), wall)


def child_main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    tasks: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "ingest": task_ingest,
        "reingest": task_reingest,
        "serve": task_serve,
        "growth": task_growth,
        "recipe": task_recipe,
        "quality": task_quality,
        "encode": task_encode,
    }
    result = tasks[spec["task"]](spec)
    Path(spec["out"]).write_text(json.dumps(result))
    return 0
