"""The parent's plan: which child jobs run, in what order, resumable from `--work`.

Figures are medians of `--runs` runs where a run is affordable (the subset ingests, re-ingests,
cold starts; `--compare-runs` for the backend that is not the default); the full-corpus ingest,
its floor and the growth steps run once.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.newsbench.children import ChildResult, launch, run_child
from benchmarks.newsbench.common import median
from benchmarks.newsbench.corpus import copy_corpus, corpus_files, make_questions

logger = logging.getLogger(__name__)


@dataclass
class Plan:
    backends: list[str]
    full_backend: str
    runs: int
    compare_runs: int
    subset_every: int
    questions: int
    growth: list[int]
    recipe: bool
    quality: bool
    full_every: int = 1
    results: dict[str, Any] = field(default_factory=dict)


def cold_start(data_dir: Path, backend: str, question: str, runs: int) -> dict[str, Any]:
    """`newsbot ask ... --json` in a fresh process, launch to exit (one answer)."""
    exe = Path(sys.executable).with_name("newsbot")
    cmd = (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from retrieval.cli import main; raise SystemExit(main())"]
    )
    env = {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(data_dir),
        "NEWSBOT_EMBEDDING_BACKEND": backend,
        "NEWSBOT_LOG_LEVEL": "WARNING",
    }
    walls: list[float] = []
    rss: list[float] = []
    found = None
    for _ in range(runs):
        result = launch([*cmd, "ask", question, "--json"], env=env, capture=True)
        walls.append(result.wall_s)
        rss.append(result.max_rss_mb)
        found = json.loads(result.data["stdout"].strip().splitlines()[-1])["found"]
    return {
        "backend": backend,
        "wall_s": [round(w, 2) for w in walls],
        "median_s": round(median(walls), 2),
        "max_rss_mb": max(rss),
        "found": found,
    }


class Sections:
    """Runs named steps once: results are saved to `work/partial.json` after every step, a
    rerun with the same `--work` folder skips what is done, and a failed step is recorded
    and skipped instead of losing the whole run."""

    def __init__(self, work: Path, results: dict[str, Any]) -> None:
        self.path = work / "partial.json"
        self.results = results
        if self.path.exists():
            done = json.loads(self.path.read_text())
            self.results.update({k: v for k, v in done.items() if "error" not in v})
        self.started = time.perf_counter()

    def run(self, name: str, what: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        if name in self.results:
            return dict(self.results[name])
        elapsed = time.perf_counter() - self.started
        print(f"[bench {elapsed:6.0f}s] {what}", file=sys.stderr, flush=True)
        try:
            self.results[name] = fn()
        except Exception as err:  # one broken step must not cost the others
            logger.error("%s failed: %s", name, err)
            self.results[name] = {"error": str(err)}
        self.path.write_text(json.dumps(self.results, indent=1))
        return None if "error" in self.results[name] else dict(self.results[name])


def _with_rss(child: ChildResult) -> dict[str, Any]:
    return {**child.data, "max_rss_mb": child.max_rss_mb}


def run_plan(plan: Plan, work: Path) -> dict[str, Any]:
    corpus = work / "bbc"
    if not corpus.exists():
        copy_corpus(corpus)
        if plan.full_every > 1:  # --quick: a fraction of the corpus stands in for all of it
            for i, path in enumerate(corpus_files(corpus)):
                if i % plan.full_every:
                    path.unlink()
    files = corpus_files(corpus)
    subset = [str(p) for p in files[:: plan.subset_every]]
    questions = make_questions(corpus, plan.questions)
    sections = Sections(work, plan.results)
    plan.results["corpus"] = {
        "files": len(files),
        "subset_files": len(subset),
        "questions": len(questions),
    }
    full_dir = work / "full"
    serve_backends = [plan.full_backend] + [b for b in plan.backends if b != plan.full_backend]

    # 1. Ingest medians on the subset, each backend, each run followed by its floor.
    for backend in plan.backends:
        runs = plan.runs if backend == plan.full_backend else plan.compare_runs
        spec = {
            "backend": backend,
            "paths": subset,
            "runs": runs,
            "floor": True,
            "data_dir": str(work / f"subset-{backend}"),
        }
        sections.run(
            f"subset_ingest.{backend}",
            f"subset ingest ({backend}, {runs} runs + floors)",
            partial(_child_with_rss, "ingest", spec),
        )

    # 2. The full corpus once: the index every later step reads.
    spec = {
        "backend": plan.full_backend,
        "paths": [str(corpus)],
        "runs": 1,
        "floor": True,
        "data_dir": str(full_dir),
    }
    if not sections.run(
        "full_ingest",
        f"full BBC ingest ({plan.full_backend}) + floor",
        lambda: _with_rss(run_child("ingest", _fresh(spec))),
    ):
        return plan.results

    # 3. Serving: warm latency and where ask spends its time; peak RSS of a serving process.
    for backend in serve_backends:

        def serve(backend: str = backend) -> dict[str, Any]:
            spec = {"backend": backend, "data_dir": str(full_dir), "questions": questions}
            data = _with_rss(run_child("serve", spec))
            data.update(run_child("encode", {"backend": backend, "questions": questions}).data)
            return data

        sections.run(f"serve.{backend}", f"warm query latency ({backend})", serve)

    # 4. Cold start: launch to first answer.
    for backend in serve_backends:
        sections.run(
            f"cold_start.{backend}",
            f"cold start ({backend})",
            partial(cold_start, full_dir, backend, questions[0], plan.runs),
        )

    # 5. Re-ingest: unchanged, then 1% of articles edited (on copies of the index and files).
    def reingest() -> dict[str, Any]:
        copy = work / "reingest"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(full_dir, copy / "index", ignore=shutil.ignore_patterns("writer.lock"))
        spec = {
            "backend": plan.full_backend,
            "data_dir": str(copy / "index"),
            "paths": [str(corpus)],
            "corpus": str(corpus),
            "runs": plan.runs,
        }
        try:
            return run_child("reingest", spec).data
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    sections.run("reingest", "re-ingest (unchanged, 1% changed)", reingest)

    # 6. The LangChain recipe, same files and model.
    if plan.recipe:
        spec = {
            "backend": plan.full_backend,
            "paths": [str(corpus)],
            "questions": questions,
            "data_dir": str(work / "recipe"),
        }
        sections.run(
            "recipe",
            f"LangChain recipe ({plan.full_backend})",
            lambda: _with_rss(run_child("recipe", _fresh(spec))),
        )

    # 7. Quality of each backend: seeds dev set, and BBC Hits@1 on each subset index.
    if plan.quality:
        for backend in plan.backends:
            spec = {"backend": backend, "bbc_dir": str(work / f"subset-{backend}")}
            sections.run(
                f"quality.{backend}",
                f"quality ({backend})",
                partial(_child_data, "quality", spec),
            )

    # 8. Growth: the full index padded to 10x, 100x... its chunk count.
    if plan.growth:

        def growth() -> dict[str, Any]:
            folder = work / "growth"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(full_dir, folder, ignore=shutil.ignore_patterns("writer.lock"))
            spec = {
                "backend": plan.full_backend,
                "data_dir": str(folder),
                "sizes": plan.growth,
                "questions": questions,
            }
            try:
                return _with_rss(run_child("growth", spec))
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        sections.run("growth", f"growth {plan.growth}", growth)
    return plan.results


def _child_with_rss(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    return _with_rss(run_child(task, _fresh(spec)))


def _child_data(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(task, spec).data


def _fresh(spec: dict[str, Any]) -> dict[str, Any]:
    """Clear the step's data folder: a rerun after a failure starts from nothing."""
    shutil.rmtree(spec["data_dir"], ignore_errors=True)
    return spec
