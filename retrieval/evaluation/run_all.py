"""`make eval`: ours and three baselines on the seeds dev set, BBC known-item and RealTime QA."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retrieval.embedding import Embedder
from retrieval.evaluation.baselines import Bm25System, DenseSystem, RecipeSystem
from retrieval.evaluation.bbc import bbc_known_item, read_bbc_folder
from retrieval.evaluation.datasets import DEFAULT_DATASETS, Benchmark, spread_sample
from retrieval.evaluation.goldset import load_questions
from retrieval.evaluation.harness import EvalResult, NewsbotSystem, System, evaluate_system
from retrieval.evaluation.indexes import IndexCache, recipe_store
from retrieval.evaluation.realtimeqa import realtimeqa
from retrieval.evaluation.report import format_failures, format_matrix, write_json
from retrieval.service import Newsbot
from retrieval.settings import Settings

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = ROOT / "tests" / "data" / "dev_questions.jsonl"
SEEDS = ROOT / "seeds"

# What the one summary table shows: (dataset, metrics) column groups.
PLAN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seeds-dev", ("score", "abstention_recall", "answer_recall")),
    ("bbc", ("hits_at_1", "search_hits_at_1", "hits_at_10", "mrr_at_10", "found_accuracy")),
    (
        "rtqa",
        (
            "hits_at_1",
            "search_hits_at_1",
            "hits_at_10",
            "mrr_at_10",
            "answer_recall",
            "answerable_correct",
        ),
    ),
    ("rtqa-raw", ("hits_at_1", "mrr_at_10", "answer_recall")),
    ("rtqa-notfound", ("abstention_recall",)),
    ("rtqa-nostory", ("abstention_recall",)),
    ("rtqa-noanswer", ("abstention_recall",)),
    ("rtqa-heldout", ("answer_recall", "found_accuracy")),
)
LEGEND = """\
H@n/MRR: the evidence article's rank among the cited, then the retrieved articles (k=10);
sH@1: among the retrieved alone; ans: a gold string in the answer (baselines: top-3 passages);
found: share answered; abstR: share of unanswerable questions declined; ok: answerable and
found + evidence cited + gold string; score: ok for answerable, declined for unanswerable.
bm25-top1: BM25's top passage alone, which reads about as many words as our answers."""


class Run:
    """One evaluation run: shared model, index cache, results and the time each part took."""

    def __init__(self, cache: IndexCache, *, k: int, progress: bool) -> None:
        self.cache = cache
        self.k = k
        self.progress = progress
        self.results: list[EvalResult] = []
        self.timings: dict[str, dict[str, float]] = {}
        self._start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def say(self, message: str) -> None:
        print(f"[{self.elapsed():6.0f}s] {message}", file=sys.stderr, flush=True)

    def timed(self, label: str) -> _Timer:
        return _Timer(self, label)

    def score(self, systems: Sequence[System], bench: Benchmark, questions: Sequence[Any]) -> None:
        for system in systems:
            with self.timed(f"{bench.name}: ask {system.name}"):
                result = evaluate_system(
                    system, questions, k=self.k, dataset=bench.name, progress=self.progress
                )
            self.results.append(result)

    def systems(
        self, bench: Benchmark, bot: Newsbot, *, recipe: bool = True, short: bool = False
    ) -> list[System]:
        found: list[System] = [NewsbotSystem(bot), DenseSystem(bot), Bm25System(bot)]
        if short:
            found.append(Bm25System(bot, name="bm25-top1", passages=1))
        if recipe:
            with self.timed(f"{bench.name}: langchain recipe index"):
                found.append(RecipeSystem(recipe_store(self.cache, bench, progress=self.progress)))
        return found

    def index(self, bench: Benchmark) -> Newsbot:
        with self.timed(f"{bench.name}: index {len(bench.articles):,} articles"):
            return self.cache.newsbot(bench, progress=self.progress)


class _Timer:
    def __init__(self, run: Run, label: str) -> None:
        self.run, self.label = run, label

    def __enter__(self) -> None:
        self.start, self.cpu = time.perf_counter(), time.process_time()
        self.run.say(f"{self.label} …")

    def __exit__(self, *exc: object) -> None:
        took, cpu = time.perf_counter() - self.start, time.process_time() - self.cpu
        self.run.timings[self.label] = {"wall": round(took, 1), "cpu": round(cpu, 1)}
        self.run.say(f"{self.label}: {took:.0f} s ({cpu:.0f} s CPU)")


def run_seeds(run: Run, embedder: Embedder, tmp: Path) -> None:
    bot = Newsbot.open(Settings(data_dir=tmp / "seeds", chroma_host=None), embedder=embedder)
    with run.timed("seeds-dev: index"):
        bot.ingest([SEEDS])
    articles = [a for info in bot.sources() if (a := bot.article(info.article_id)) is not None]
    bench = Benchmark("seeds-dev", tuple(articles), tuple(load_questions(DEV_QUESTIONS)))
    run.score(run.systems(bench, bot), bench, bench.questions)


def run_bbc(run: Run, root: Path, questions: int | None) -> None:
    bench = bbc_known_item(read_bbc_folder(root / "bbc"))
    asked = spread_sample(bench.questions, questions)
    run.say(f"bbc: {len(bench.articles):,} articles, {len(asked):,} of their headlines asked")
    bot = run.index(bench)
    run.score(run.systems(bench, bot), bench, asked)


def run_realtimeqa(run: Run, root: Path, pool: str, *, raw_recipe: bool) -> None:
    for clean in (True, False):
        bench = realtimeqa(root / "realtimeqa", clean=clean, pool=pool)  # type: ignore[arg-type]
        run.say(
            f"{bench.name}: {len(bench.articles):,} articles ({pool} pages), "
            f"{len(bench.questions)} CNN questions"
        )
        bot = run.index(bench)
        systems = run.systems(bench, bot, recipe=clean or raw_recipe, short=clean)
        run.score(systems, bench, bench.questions)
        if clean:
            pages = bench.notes["searched_pages"]
            for check, removed in (
                (bench.without_evidence(), "gold articles"),
                (bench.without_stories(pages, "rtqa-nostory"), "gold and searched pages"),
                (
                    bench.without_answers(pages, "rtqa-noanswer"),
                    "gold pages and searched pages holding the answer",
                ),
            ):
                told = check.notes.get("told_by_other_pages")
                run.say(
                    f"{check.name}: {check.notes['removed_articles']} {removed} removed"
                    + (f" (such a page answered {told} questions)" if told is not None else "")
                )
                bot = run.index(check)
                run.score([NewsbotSystem(bot)], check, check.questions)
    held_out = realtimeqa(root / "realtimeqa", pool=pool, held_out=True)  # type: ignore[arg-type]
    run.say(
        f"{held_out.name}: {len(held_out.articles):,} articles, {len(held_out.questions)} "
        "THE WEEK and USA Today questions (answer strings only)"
    )
    bot = run.index(held_out)
    run.score(run.systems(held_out, bot, short=True), held_out, held_out.questions)


def notes(results: Sequence[EvalResult]) -> list[str]:
    """Lines under the table: latency of `ask`, and what the not-found check means."""
    lines = []
    ours = [r for r in results if r.system == "ours"]
    if ours:
        timing = ", ".join(
            f"{r.dataset} {r.metrics.latency_p50_s:.2f}/{r.metrics.latency_p95_s:.2f}" for r in ours
        )
        lines.append(f"ours: seconds per ask, p50/p95: {timing}")
    for dataset in ("rtqa", "rtqa-heldout"):
        sizes = {
            r.system: statistics.median(len(x.answer.split()) for x in r.records if x.found)
            for r in results
            if r.dataset == dataset and any(x.found for x in r.records)
        }
        if sizes:
            words = ", ".join(f"{system} {n:.0f}" for system, n in sizes.items())
            lines.append(f"{dataset}: median words per answer (what ans reads): {words}")
    removed = {
        "rtqa-notfound": "their gold article was removed",
        "rtqa-nostory": "their gold article and every page searched for them were removed",
        "rtqa-noanswer": "their gold article and every page searched for them holding the "
        "answer were removed",
    }
    for r in ours:
        if r.dataset in removed:
            answered = [x for x in r.records if x.found]
            told = sum(bool(x.answer_hit) for x in answered)
            lines.append(
                f"{r.dataset}: {len(answered)} of {len(r.records)} answered although "
                f"{removed[r.dataset]}; {told} of those hold the gold answer (another indexed "
                f"page tells the story), {len(answered) - told} do not"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m retrieval.evaluation.run_all",
        description=__doc__,
        epilog="The first run embeds every corpus (about 19 min on 2 CPU cores with the "
        "default ONNX backend, longer with PyTorch); indexes and vectors are cached under "
        "--out, so later runs take about 2 min, or about 5 when a change to the indexing code "
        "rebuilds every index from the cached vectors.",
    )
    parser.add_argument(
        "--datasets", type=Path, default=DEFAULT_DATASETS, help="holds bbc/ and realtimeqa/"
    )
    parser.add_argument("--out", type=Path, default=Path("data/eval"), help="cache and results")
    parser.add_argument(
        "--bbc-questions",
        type=int,
        default=500,
        help="BBC headlines asked, spread over all 2,225 (all articles are always indexed); "
        "0 asks all of them",
    )
    parser.add_argument(
        "--rtqa-pool",
        choices=("asked", "all"),
        default="asked",
        help="distractor pages: those retrieved for the CNN questions asked (default) or for "
        "all 330 questions (2,007 articles, about 2.5x the indexing time)",
    )
    parser.add_argument(
        "--raw-recipe",
        action="store_true",
        help="also run the LangChain recipe on the uncleaned RealTime QA pages",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="everything: all BBC headlines, all RealTime QA pages, the recipe on raw pages",
    )
    parser.add_argument("--only", nargs="+", choices=("seeds", "bbc", "rtqa"), help="run a part")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="ignore cached indexes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
    parts = set(args.only or ("seeds", "bbc", "rtqa"))
    if args.full:
        args.bbc_questions, args.rtqa_pool, args.raw_recipe = 0, "all", True

    settings = Settings()
    embedder = Embedder(settings.embedding_model, backend=settings.embedding_backend)
    cache = IndexCache(args.out, embedder, rebuild=args.rebuild)
    run = Run(cache, k=args.k, progress=sys.stderr.isatty())
    with run.timed("load model"):
        embedder.warm_up()
    with tempfile.TemporaryDirectory(prefix="newsbot-eval-") as tmp:
        if "seeds" in parts:
            run_seeds(run, embedder, Path(tmp))
        if "bbc" in parts:
            if (args.datasets / "bbc").is_dir():
                run_bbc(run, args.datasets, args.bbc_questions or None)
            else:
                run.say(f"skipping BBC: {args.datasets / 'bbc'} not found")
        if "rtqa" in parts:
            if (args.datasets / "realtimeqa").is_dir():
                run_realtimeqa(run, args.datasets, args.rtqa_pool, raw_recipe=args.raw_recipe)
            else:
                run.say(f"skipping RealTime QA: {args.datasets / 'realtimeqa'} not found")
        cache.close()
    total = run.elapsed()

    print(format_matrix(run.results, PLAN))
    print()
    print(LEGEND)
    for line in notes(run.results):
        print(line)
    for result in run.results:
        if result.system == "ours" and result.failures():
            print(f"\nours on {result.dataset}: {len(result.failures())} wrong, for example:")
            print(format_failures(result, 5))
    payload = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": list(os.getloadavg()),
        },
        "model": {"name": embedder.model_name, "backend": embedder.backend},
        "options": {"bbc_questions": args.bbc_questions, "rtqa_pool": args.rtqa_pool, "k": args.k},
        "timings_s": {
            **run.timings,
            "total": {"wall": round(total, 1), "cpu": round(time.process_time(), 1)},
        },
        "results": [r.to_dict() for r in run.results],
    }
    out = args.out / "results.json"
    write_json(out, payload)
    print(f"\nwrote {out} in {total / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
