"""Speed and memory benchmarks on BBC News: `make bench` prints one table and writes JSON.

Every measurement that loads a model runs in a fresh child process (this file with
`--child SPEC`), so peak RSS is per job and one job's caches never help another. Figures are
medians of `--runs` runs where a run is affordable (the subset ingests, re-ingests, cold
starts); the full-corpus ingest, its floor and the growth steps run once.
See benchmarks/RESULTS.md for the table from the development machine and how to read it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/bench.py` from a checkout
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

logger = logging.getLogger("bench")

BBC = Path(os.environ.get("NEWSBOT_BENCH_BBC", "/work/shared/datasets/bbc"))
RESULTS = ROOT / "benchmarks" / "results"
DEV_QUESTIONS = ROOT / "tests" / "data" / "dev_questions.jsonl"
SEEDS = ROOT / "seeds"
ENCODE_BATCH = 64
# Questions in the slower diagnostic passes (uncached answers, the instrumented breakdown).
SAMPLE = 60
MODEL_LOAD_S: dict[str, float] = {}  # per child process: seconds to load (or export) a model

# Off-topic questions: the not-found path must be fast too.
UNANSWERABLE = [
    "What did the Mars rover find on Europa in 2031?",
    "Who won the 2040 football World Cup final?",
    "How many moons does the planet Vulcan have?",
    "What is the price of a ticket to the Atlantis underwater hotel?",
    "Which company bought the Moon mining licence?",
    "What did the Queen of Narnia say about tariffs?",
    "When will the hyperloop between Lisbon and Oslo open?",
    "Who is the mayor of the city of Gotham?",
    "What recipe won the intergalactic baking contest?",
    "How fast is the new quantum teleportation train?",
    "What did the robot chancellor announce in the budget?",
    "Which dragon species was discovered in Wales?",
    "What did Shakespeare tweet about the election?",
    "How tall is the tower built on Olympus Mons?",
    "Who invented the perpetual motion engine in Leeds?",
    "What is the exchange rate of the galactic credit?",
    "Who captained the first team to play cricket on the Moon?",
    "What did the talking dolphin tell the UN?",
    "Which airline flies to the Andromeda galaxy?",
    "What did the time traveller say about 1850?",
]


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean/max of durations given in seconds, in milliseconds."""
    return {
        "p50_ms": round(pct(values, 50) * 1000, 2),
        "p95_ms": round(pct(values, 95) * 1000, 2),
        "mean_ms": round(float(np.mean(values)) * 1000, 2) if values else float("nan"),
        "max_ms": round(max(values) * 1000, 2) if values else float("nan"),
        "n": len(values),
    }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


class Stopwatch:
    """Accumulates the time spent in wrapped callables, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    """Temporarily replace an attribute (benchmark instrumentation only)."""
    original = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, original)


def load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")


# ---------------------------------------------------------------------------------------------
# Corpus and questions (parent side)
# ---------------------------------------------------------------------------------------------


def copy_corpus(target: Path) -> Path:
    """A private copy of BBC: article ids come from paths, and the 1%-changed test edits files."""
    if not BBC.is_dir():
        raise SystemExit(f"BBC corpus not found at {BBC}; set NEWSBOT_BENCH_BBC")
    shutil.copytree(BBC, target, ignore=shutil.ignore_patterns("README*"))
    return target


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("*.txt"))


def make_questions(corpus: Path, n: int, seed: int = 7) -> list[str]:
    """`n` varied questions: headlines, rephrasings, "what did X say", sentence openings, and
    10% that no article answers."""
    rng = random.Random(seed)
    files = corpus_files(corpus)
    rng.shuffle(files)
    name = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]+)\b")
    questions: list[str] = []
    answerable = n - n // 10
    for i, path in enumerate(files[:answerable]):
        lines = [x.strip() for x in path.read_text(errors="replace").splitlines() if x.strip()]
        headline, body = lines[0], " ".join(lines[1:3])
        kind = i % 4
        if kind == 0:
            questions.append(headline)
        elif kind == 1:
            questions.append(f"What happened with {headline[0].lower()}{headline[1:]}?")
        elif kind == 2 and (match := name.search(body)):
            questions.append(f"What did {match.group(1)} say?")
        else:
            words = body.split()[:12]
            questions.append(" ".join(words).rstrip(".,;:") + "?")
    questions.extend(UNANSWERABLE[i % len(UNANSWERABLE)] for i in range(n - len(questions)))
    rng.shuffle(questions)
    return questions


def change_files(files: Sequence[Path], count: int, run: int) -> dict[Path, bytes]:
    """Edit `count` articles' bodies (headline kept, so the article id stays the same);
    returns the original bytes of every file edited, to put back afterwards."""
    rng = random.Random(1000 + run)
    originals: dict[Path, bytes] = {}
    for path in rng.sample(list(files), count):
        originals[path] = path.read_bytes()
        text = path.read_text(errors="replace").rstrip("\n")
        path.write_text(f"{text}\n\nCorrection (run {run}): an earlier version misstated a date.\n")
    return originals


# ---------------------------------------------------------------------------------------------
# Child processes
# ---------------------------------------------------------------------------------------------


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
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(spec_path)]
        return _launch(cmd, out_path=out_path, timeout=timeout)


def _launch(
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


def _embedder(backend: str) -> Any:
    from retrieval.embedding import Embedder

    start = time.perf_counter()
    embedder = Embedder(backend=backend)
    embedder.warm_up()
    MODEL_LOAD_S[backend] = time.perf_counter() - start
    return embedder


def _open(data_dir: Path | str, embedder: Any) -> Any:
    from retrieval.service import Newsbot
    from retrieval.settings import Settings

    return Newsbot.open(Settings(data_dir=Path(data_dir)), embedder=embedder)


def _floor(embedder: Any, texts: list[str]) -> tuple[float, float]:
    """The bare model on the same texts: `encode` with a good batch size, nothing else.
    Returns (wall, CPU) seconds."""
    cpu = time.process_time()
    start = time.perf_counter()
    embedder.model.encode(texts, batch_size=ENCODE_BATCH, normalize_embeddings=True)
    return time.perf_counter() - start, time.process_time() - cpu


def _instrument_ingest(bot: Any, watch: Stopwatch) -> list[Any]:
    """Time the stages of `Newsbot.ingest` without changing what it does."""
    import retrieval.service as service
    from retrieval.chunking import Chunker

    embedder, manifest, store = bot.embedder, bot.manifest, bot.store
    contexts = [
        patched(service, "read_articles", watch.wrap("read_files", service.read_articles)),
        patched(Chunker, "chunk_many", watch.wrap("chunk", Chunker.chunk_many)),
        patched(embedder, "token_counts", watch.wrap("token_count", embedder.token_counts)),
        patched(embedder, "encode", watch.wrap("encode", embedder.encode)),
        patched(manifest, "begin", watch.wrap("sqlite", manifest.begin)),
        patched(manifest, "mark_done", watch.wrap("sqlite", manifest.mark_done)),
        patched(store, "upsert", watch.wrap("chroma_upsert", store.upsert)),
    ]
    return contexts


def task_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    """`runs` ingests of `paths` into fresh folders, each followed by the floor: the bare
    model encoding the same chunks. The last run's folder is kept at `data_dir`."""
    embedder = _embedder(spec["backend"])
    runs: list[dict[str, Any]] = []
    for r in range(spec["runs"]):
        last = r == spec["runs"] - 1
        folder = Path(spec["data_dir"]) if last else Path(tempfile.mkdtemp(prefix="ingest-"))
        bot = _open(folder, embedder)
        watch = Stopwatch()
        contexts = _instrument_ingest(bot, watch)
        for ctx in contexts:
            ctx.__enter__()
        cpu = time.process_time()
        start = time.perf_counter()
        try:
            report = bot.ingest(spec["paths"], errors="replace")
        finally:
            for ctx in reversed(contexts):
                ctx.__exit__(None, None, None)
        total = time.perf_counter() - start
        cpu = time.process_time() - cpu
        texts = [c.embed_text for c in bot.manifest.done_chunks()]
        nan = float("nan")
        floor, floor_cpu = _floor(embedder, texts) if spec.get("floor", True) else (nan, nan)
        stages = {k: round(v, 3) for k, v in watch.seconds.items()}
        main_thread = sum(
            watch.seconds.get(k, 0.0) for k in ("read_files", "chunk", "encode", "sqlite")
        )
        stages["other_main_thread"] = round(total - main_thread, 3)
        runs.append(
            {
                "articles": report.new + report.changed,
                "chunks": report.chunks_written,
                "ingest_s": round(total, 3),
                "cpu_s": round(cpu, 3),
                "floor_s": round(floor, 3),
                "floor_cpu_s": round(floor_cpu, 3),
                "ratio": round(total / floor, 4) if floor == floor else None,
                # CPU seconds are far less disturbed by other processes than wall seconds.
                "cpu_ratio": round(cpu / floor_cpu, 4) if floor_cpu == floor_cpu else None,
                "stages_s": stages,
                "load_avg": load_average(),
            }
        )
        bot.close()
        if not last:
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "backend": spec["backend"],
        "model_load_s": round(MODEL_LOAD_S[spec["backend"]], 2),
        "runs": runs,
    }


def task_encode(spec: dict[str, Any]) -> dict[str, Any]:
    """Query-embedding latency: one short question at a time."""
    embedder = _embedder(spec["backend"])
    questions = spec["questions"]
    for q in questions[:10]:
        embedder.encode([q])
    times = []
    for q in questions:
        start = time.perf_counter()
        embedder.encode([q])
        times.append(time.perf_counter() - start)
    return {"backend": spec["backend"], "query_embed": summary_ms(times)}


def task_reingest(spec: dict[str, Any]) -> dict[str, Any]:
    """Re-ingest the unchanged corpus `runs` times, then `runs` times with 1% of files edited."""
    embedder = _embedder(spec["backend"])
    bot = _open(spec["data_dir"], embedder)
    files = corpus_files(Path(spec["corpus"]))
    unchanged: list[dict[str, Any]] = []
    for _ in range(spec["runs"]):
        start = time.perf_counter()
        report = bot.ingest(spec["paths"], errors="replace")
        unchanged.append({"s": round(time.perf_counter() - start, 3), "summary": report.summary()})
    changed: list[dict[str, Any]] = []
    count = max(1, len(files) // 100)
    edited: dict[Path, bytes] = {}
    for r in range(spec["runs"]):
        for path, original in change_files(files, count, r).items():
            edited.setdefault(path, original)
        start = time.perf_counter()
        report = bot.ingest(spec["paths"], errors="replace")
        took = time.perf_counter() - start
        # The next question rebuilds the chunk snapshot and BM25: part of the cost of a change.
        start = time.perf_counter()
        bot.search("interest rates", k=5)
        refresh = time.perf_counter() - start
        changed.append(
            {
                "s": round(took, 3),
                "first_search_after_s": round(refresh, 3),
                "summary": report.summary(),
                "chunks_written": report.chunks_written,
            }
        )
    bot.close()
    for path, original in edited.items():  # later steps read the corpus as it was
        path.write_bytes(original)
    return {"backend": spec["backend"], "unchanged": unchanged, "changed_1pct": changed}


def task_serve(spec: dict[str, Any]) -> dict[str, Any]:
    """Warm latency of `search` and `ask` over the question set, then one instrumented pass
    that says where `ask` spends its time."""
    embedder = _embedder(spec["backend"])
    bot = _open(spec["data_dir"], embedder)
    questions: list[str] = spec["questions"]
    start = time.perf_counter()
    bot.search(questions[0], k=5)
    first_search = time.perf_counter() - start
    for q in questions[:20]:
        bot.ask(q)
    search_t: list[float] = []
    ask_t: list[float] = []
    found = 0
    for q in questions:
        start = time.perf_counter()
        bot.search(q, k=5)
        search_t.append(time.perf_counter() - start)
    for q in questions:
        start = time.perf_counter()
        answer = bot.ask(q)
        ask_t.append(time.perf_counter() - start)
        found += answer.found
    # Cold answer cache: the answerer caches sentence vectors, so a new process's first answers
    # (and any question about sentences not seen before) pay for embedding them.
    bot.answerer._cache.clear()
    cold_ask: list[float] = []
    for q in questions[:SAMPLE]:
        bot.answerer._cache.clear()
        start = time.perf_counter()
        bot.ask(q)
        cold_ask.append(time.perf_counter() - start)
    breakdown = _ask_breakdown(bot, questions[:SAMPLE])
    bot.close()
    return {
        "backend": spec["backend"],
        "first_search_s": round(first_search, 3),
        "search": summary_ms(search_t),
        "ask": summary_ms(ask_t),
        "ask_uncached_sentences": summary_ms(cold_ask),
        "found_rate": round(found / len(questions), 3),
        "ask_breakdown_ms": breakdown,
    }


def _ask_breakdown(bot: Any, questions: Sequence[str]) -> dict[str, float]:
    """Mean milliseconds per `ask` in each part, with the answerer's sentence cache kept (the
    warm case) and cleared before each question (the worst case)."""
    result: dict[str, float] = {}
    for label, clear in (("warm", False), ("uncached", True)):
        part = _timed_asks(bot, questions, clear=clear)
        result.update({f"{label}.{k}": v for k, v in sorted(part.items())})
    return result


def _timed_asks(bot: Any, questions: Sequence[str], *, clear: bool) -> dict[str, float]:
    snapshot = bot.catalog.current()
    watch = Stopwatch()
    encode = bot.embedder.encode
    answer = watch.wrap("answer_total", bot.answerer.answer)
    answering = [False]
    sentences = [0]

    def route(texts: Sequence[str], *, show_progress: bool = False) -> Any:
        # The answerer embeds candidate sentences; everything else is the question.
        name = "embed_sentences" if answering[0] else "embed_query"
        if answering[0]:
            sentences[0] += len(texts)
        return watch.wrap(name, encode)(texts, show_progress=show_progress)

    def answer_flagged(*args: Any, **kwargs: Any) -> Any:
        answering[0] = True
        try:
            return answer(*args, **kwargs)
        finally:
            answering[0] = False

    with (
        patched(bot.embedder, "encode", route),
        patched(bot.store, "query", watch.wrap("chroma_query", bot.store.query)),
        patched(snapshot.lexical, "top", watch.wrap("bm25", snapshot.lexical.top)),
        patched(bot.searcher, "search", watch.wrap("hybrid_search", bot.searcher.search)),
        patched(bot.answerer, "answer", answer_flagged),
    ):
        start = time.perf_counter()
        for q in questions:
            if clear:
                bot.answerer._cache.clear()
            bot.ask(q)
        total = time.perf_counter() - start
    n = len(questions)
    part = {k: round(v / n * 1000, 2) for k, v in watch.seconds.items()}
    part["ask_total"] = round(total / n * 1000, 2)
    part["sentences_embedded_per_ask"] = round(sentences[0] / n, 1)
    part["answer_other"] = round(part.get("answer_total", 0) - part.get("embed_sentences", 0), 2)
    part["ask_other"] = round(
        part["ask_total"]
        - part.get("answer_total", 0)
        - part.get("embed_query", 0)
        - part.get("chroma_query", 0)
        - part.get("bm25", 0),
        2,
    )
    return part


def task_growth(spec: dict[str, Any]) -> dict[str, Any]:
    """Retrieval latency as the index grows to `sizes` x the BBC chunk count, padding it with
    perturbed copies of real articles and their real vectors written straight to the manifest
    and Chroma (the model would otherwise dominate the run)."""
    from retrieval.models import Article, Chunk

    embedder = _embedder(spec["backend"])
    bot = _open(spec["data_dir"], embedder)
    questions: list[str] = spec["questions"]
    base_chunks = bot.manifest.done_chunks()
    base_ids = sorted({c.article_id for c in base_chunks})
    originals = bot.manifest.articles(base_ids)
    by_article: dict[str, list[Chunk]] = {}
    for c in base_chunks:
        by_article.setdefault(c.article_id, []).append(c)
    vectors: dict[str, np.ndarray] = {}
    ids = [c.chunk_id for c in base_chunks]
    for i in range(0, len(ids), 5000):
        got = bot.store.collection.get(ids=ids[i : i + 5000], include=["embeddings"])
        vectors.update(
            zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True)
        )
    rng = np.random.default_rng(0)
    steps: list[dict[str, Any]] = []
    copies_done = 1
    for size in spec["sizes"]:
        insert_s = 0.0
        inserted = 0
        while copies_done < size:
            start = time.perf_counter()
            inserted += _add_copy(
                bot, copies_done, originals, by_article, vectors, rng, Article, Chunk
            )
            insert_s += time.perf_counter() - start
            copies_done += 1
        bot.catalog.invalidate()
        start = time.perf_counter()
        bot.search(questions[0], k=5)  # rebuilds the chunk snapshot and the BM25 index
        rebuild = time.perf_counter() - start
        for q in questions[:10]:
            bot.search(q, k=5)
        watch = Stopwatch()
        snapshot = bot.catalog.current()
        totals: list[float] = []
        with (
            patched(bot.store, "query", watch.wrap("chroma_query", bot.store.query)),
            patched(snapshot.lexical, "top", watch.wrap("bm25", snapshot.lexical.top)),
            patched(bot.embedder, "encode", watch.wrap("embed_query", bot.embedder.encode)),
        ):
            for q in questions:
                start = time.perf_counter()
                bot.search(q, k=5)
                totals.append(time.perf_counter() - start)
        n = len(questions)
        steps.append(
            {
                "size": size,
                "chunks": len(snapshot.chunks),
                "insert_s": round(insert_s, 1),
                "inserted_chunks": inserted,
                "snapshot_rebuild_s": round(rebuild, 2),
                "search": summary_ms(totals),
                "parts_mean_ms": {k: round(v / n * 1000, 2) for k, v in watch.seconds.items()},
                "rss_mb": _rss_mb(),
            }
        )
        logger.warning("growth %dx done: %s", size, steps[-1])
    bot.close()
    return {"backend": spec["backend"], "steps": steps}


def _add_copy(
    bot: Any,
    copy: int,
    originals: dict[str, Any],
    by_article: dict[str, list[Any]],
    vectors: dict[str, np.ndarray],
    rng: np.random.Generator,
    article_cls: Any,
    chunk_cls: Any,
) -> int:
    """One more copy of every article: same text, a tagged headline, its chunks' vectors
    nudged (cosine ~0.99 to the original) so the HNSW graph sees distinct points."""
    batch_articles: list[Any] = []
    batch_chunks: list[list[Any]] = []
    added = 0
    for aid, article in originals.items():
        new = article_cls(
            article_id=f"{aid}~{copy}",
            title=f"{article.title} ({copy})",
            text=article.text,
            origin=article.origin,
            source=article.source,
            published=article.published,
        )
        chunks = [
            chunk_cls(
                chunk_id=f"{new.article_id}:{new.content_hash[:8]}:{c.index}",
                article_id=new.article_id,
                index=c.index,
                text=c.text,
                start=c.start,
                end=c.end,
                title=new.title,
                source=new.source,
                published=new.published,
            )
            for c in by_article[aid]
        ]
        batch_articles.append(new)
        batch_chunks.append(chunks)
        if len(batch_articles) >= 500:
            added += _write_copy(bot, batch_articles, batch_chunks, by_article, vectors, rng)
            batch_articles, batch_chunks = [], []
    if batch_articles:
        added += _write_copy(bot, batch_articles, batch_chunks, by_article, vectors, rng)
    return added


def _write_copy(
    bot: Any,
    articles: list[Any],
    chunk_lists: list[list[Any]],
    by_article: dict[str, list[Any]],
    vectors: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> int:
    flat = [c for chunks in chunk_lists for c in chunks]
    base = np.stack(
        [
            vectors[by_article[a.article_id.split("~")[0]][c.index].chunk_id]
            for a, chunks in zip(articles, chunk_lists, strict=True)
            for c in chunks
        ]
    )
    noisy = base + rng.normal(0, 0.1 / np.sqrt(base.shape[1]), base.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    bot.manifest.begin(articles, chunk_lists)
    bot.store.upsert(flat, noisy)
    bot.manifest.mark_done([a.article_id for a in articles])
    return len(flat)


def _rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def task_recipe(spec: dict[str, Any]) -> dict[str, Any]:
    """The plain LangChain recipe on the same files and model: RecursiveCharacterTextSplitter
    (1000, 200), `Chroma.add_texts`, `similarity_search(q, k=5)`."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.ingest import discover_files, read_articles
    from retrieval.store import make_client

    embedder = _embedder(spec["backend"])
    start = time.perf_counter()
    articles = [
        a for f in discover_files(spec["paths"]) for a in read_articles(f, errors="replace")
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    metadatas: list[dict[str, Any]] = []
    for article in articles:
        for piece in splitter.split_text(article.text):
            texts.append(piece)
            metadatas.append({"article_id": article.article_id, "title": article.title})
    # The recipe's own Chroma, with telemetry off like ours (no network here).
    # `from_texts` splits the upsert into batches Chroma accepts; `add_texts` does not.
    store = Chroma.from_texts(
        texts,
        embedder,
        metadatas=metadatas,
        client=make_client(path=Path(spec["data_dir"])),
        collection_name="recipe",
    )
    ingest_s = time.perf_counter() - start
    questions: list[str] = spec["questions"]
    for q in questions[:10]:
        store.similarity_search(q, k=5)
    times: list[float] = []
    for q in questions:
        start = time.perf_counter()
        store.similarity_search(q, k=5)
        times.append(time.perf_counter() - start)
    return {
        "backend": spec["backend"],
        "articles": len(articles),
        "chunks": len(texts),
        "ingest_s": round(ingest_s, 2),
        "search": summary_ms(times),
    }


def task_quality(spec: dict[str, Any]) -> dict[str, Any]:
    """The dev set (seeds) through the evaluation harness, and Hits@1 of the source article
    for BBC questions on a prebuilt index, with one backend."""
    from retrieval.evaluation.goldset import load_questions
    from retrieval.evaluation.harness import evaluate

    embedder = _embedder(spec["backend"])
    folder = Path(tempfile.mkdtemp(prefix="quality-"))
    bot = _open(folder, embedder)
    bot.ingest([SEEDS])
    metrics = evaluate(bot, load_questions(DEV_QUESTIONS), k=10).metrics.to_dict()
    bot.close()
    shutil.rmtree(folder, ignore_errors=True)
    bbc: dict[str, Any] = {}
    if spec.get("bbc_dir"):
        bot = _open(spec["bbc_dir"], embedder)
        infos = bot.sources()
        hits = dense_hits = 0
        for info in infos:
            article = bot.article(info.article_id)
            assert article is not None
            # The body's second sentence, as a question: the headline is indexed verbatim.
            sentences = re.split(r"(?<=[.!?])\s+", article.text)
            question = (sentences[1] if len(sentences) > 1 else sentences[0])[:300]
            top = bot.search(question, k=1)
            hits += bool(top) and top[0].chunk.article_id == info.article_id
            vector = embedder.encode([question])[0]
            dense = bot.store.query(vector, 1)
            dense_hits += bool(dense) and dense[0][0].startswith(f"{info.article_id}:")
        bot.close()
        bbc = {
            "questions": len(infos),
            "hybrid_hits_at_1": round(hits / len(infos), 4),
            "dense_hits_at_1": round(dense_hits / len(infos), 4),
        }
    return {"backend": spec["backend"], "dev_seeds": metrics, "bbc_subset": bbc}


# ---------------------------------------------------------------------------------------------
# The parent: plan, run, tabulate
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    backends: list[str]
    full_backend: str
    runs: int
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
        result = _launch([*cmd, "ask", question, "--json"], env=env, capture=True)
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
        spec = {
            "backend": backend,
            "paths": subset,
            "runs": plan.runs,
            "floor": True,
            "data_dir": str(work / f"subset-{backend}"),
        }
        sections.run(
            f"subset_ingest.{backend}",
            f"subset ingest ({backend}, {plan.runs} runs + floors)",
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

        name = "growth" if plan.growth == [1, 10] else f"growth.{'-'.join(map(str, plan.growth))}"
        sections.run(name, f"growth {plan.growth}", growth)
    return plan.results


def _child_with_rss(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    return _with_rss(run_child(task, _fresh(spec)))


def _child_data(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(task, spec).data


def _fresh(spec: dict[str, Any]) -> dict[str, Any]:
    """Clear the step's data folder: a rerun after a failure starts from nothing."""
    shutil.rmtree(spec["data_dir"], ignore_errors=True)
    return spec


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


def _ok(res: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = res.get(key)
    return value if isinstance(value, dict) and "error" not in value else None


def _group(res: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """{backend: data} of the finished sections named `prefix.backend`."""
    return {
        k.split(".", 1)[1]: v
        for k, v in res.items()
        if k.startswith(prefix + ".") and isinstance(v, dict) and "error" not in v
    }


def build_table(res: dict[str, Any], plan: Plan) -> list[tuple[str, str, str, str]]:
    """(measure, figure, floor or goal, verdict) rows."""
    rows: list[tuple[str, str, str, str]] = []

    def add(measure: str, figure: str, goal: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        rows.append((measure, figure, goal, verdict))

    for backend, data in _group(res, "subset_ingest").items():
        runs = data["runs"]
        ingest = median([r["ingest_s"] for r in runs])
        floor = median([r["floor_s"] for r in runs])
        ratio = median([r["ratio"] for r in runs])
        cpu_ratios = [r["cpu_ratio"] for r in runs if r.get("cpu_ratio")]
        arts, chunks = runs[0]["articles"], runs[0]["chunks"]
        add(
            f"ingest, subset {arts} art / {chunks} chunks [{backend}], median of {len(runs)}",
            f"{ingest:.1f} s = {arts / ingest:.1f} art/s, {chunks / ingest:.1f} chunks/s",
            f"floor {floor:.1f} s = {chunks / floor:.1f} chunks/s",
        )
        best = min(r["ratio"] for r in runs)
        cpu_note = f"; CPU-time ratio {median(cpu_ratios):.3f}x" if cpu_ratios else ""
        add(
            f"  ingest / floor [{backend}]",
            f"{ratio:.3f}x (median of per-run ratios; best {best:.3f}x{cpu_note})",
            "<= 1.3x",
            ratio <= 1.3,
        )
    full = _ok(res, "full_ingest")
    if full:
        run = full["runs"][0]
        add(
            f"ingest, full BBC {run['articles']} art / {run['chunks']} chunks "
            f"[{full['backend']}], 1 run",
            f"{run['ingest_s']:.1f} s = {run['articles'] / run['ingest_s']:.1f} art/s, "
            f"{run['chunks'] / run['ingest_s']:.1f} chunks/s",
            f"floor {run['floor_s']:.1f} s = {run['chunks'] / run['floor_s']:.1f} chunks/s",
        )
        cpu_note = f"; CPU-time ratio {run['cpu_ratio']:.3f}x" if run.get("cpu_ratio") else ""
        add(
            f"  ingest / floor [{full['backend']}]",
            f"{run['ratio']:.3f}x{cpu_note}",
            "<= 1.3x",
            run["ratio"] <= 1.3,
        )
        stages = run["stages_s"]
        add("  stages (s)", ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
        add(
            "  peak RSS, ingest process",
            f"{full['max_rss_mb']:.0f} MB",
            "<= 1536 MB",
            full["max_rss_mb"] <= 1536,
        )
    re_ = _ok(res, "reingest")
    if re_ and full:
        first = full["runs"][0]["ingest_s"]
        same = median([r["s"] for r in re_["unchanged"]])
        add(
            "re-ingest, unchanged corpus",
            f"{same:.2f} s ({first / same:.0f}x faster)",
            ">= 20x faster",
            first / same >= 20,
        )
        changed = median([r["s"] for r in re_["changed_1pct"]])
        refresh = median([r["first_search_after_s"] for r in re_["changed_1pct"]])
        written = re_["changed_1pct"][0]["chunks_written"]
        add(
            "re-ingest, 1% of articles changed",
            f"{changed:.2f} s ({written} chunks written)",
            f"next search rebuilds snapshot: {refresh:.2f} s",
        )
    for backend, data in _group(res, "serve").items():
        s, a = data["search"], data["ask"]
        add(
            f"search (retrieval only) [{backend}]",
            f"p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms",
        )
        add(
            f"ask (cited answer) [{backend}]",
            f"p50 {a['p50_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms",
            "p50 <= 60, p95 <= 150 ms",
            a["p50_ms"] <= 60 and a["p95_ms"] <= 150,
        )
        u = data["ask_uncached_sentences"]
        add(
            f"  ask, sentence cache cleared [{backend}]",
            f"p50 {u['p50_ms']:.1f} ms, p95 {u['p95_ms']:.1f} ms",
        )
        add(f"  query embedding alone [{backend}]", f"p50 {data['query_embed']['p50_ms']:.1f} ms")
        add(
            f"  peak RSS, serving process [{backend}]",
            f"{data['max_rss_mb']:.0f} MB",
            "<= 1536 MB",
            data["max_rss_mb"] <= 1536,
        )
    for backend, data in _group(res, "cold_start").items():
        add(
            f"cold start, `newsbot ask --json` [{backend}]",
            f"{data['median_s']:.2f} s (RSS {data['max_rss_mb']:.0f} MB)",
            "<= 8 s",
            data["median_s"] <= 8,
        )
    rec = _ok(res, "recipe")
    ours = _group(res, "serve").get(full["backend"]) if full else None
    if rec and full and ours:
        run = full["runs"][0]
        add(
            f"LangChain recipe ingest [{rec['backend']}]",
            f"{rec['ingest_s']:.1f} s, {rec['chunks']} chunks; ours/recipe "
            f"{run['ingest_s'] / rec['ingest_s']:.2f}x",
        )
        add(
            "LangChain recipe similarity_search",
            f"p50 {rec['search']['p50_ms']:.1f} ms; our search/recipe "
            f"{ours['search']['p50_ms'] / rec['search']['p50_ms']:.2f}x, ask/recipe "
            f"{ours['ask']['p50_ms'] / rec['search']['p50_ms']:.2f}x",
        )
    for backend, data in _group(res, "quality").items():
        m = data["dev_seeds"]
        b = data.get("bbc_subset") or {}
        add(
            f"quality [{backend}]",
            f"dev score {m['score']:.3f}, hits@1 {m['hits_at_1']}, answer recall "
            f"{m['answer_recall']}; BBC subset hits@1 {b.get('hybrid_hits_at_1')} "
            f"(dense {b.get('dense_hits_at_1')})",
        )
    for key in sorted(k for k in res if k.startswith("growth") and _ok(res, k)):
        steps = res[key]["steps"]
        base = steps[0]["search"]["p50_ms"]
        for s in steps:
            parts = ", ".join(f"{k} {v:.1f}" for k, v in s["parts_mean_ms"].items())
            ratio = s["search"]["p50_ms"] / base
            add(
                f"search at {s['size']}x ({s['chunks']} chunks)",
                f"p50 {s['search']['p50_ms']:.1f} ms ({ratio:.2f}x), p95 "
                f"{s['search']['p95_ms']:.1f} ms; {parts}; snapshot rebuild "
                f"{s['snapshot_rebuild_s']:.1f} s; RSS {s['rss_mb']:.0f} MB",
                "p50 at 100x <= 3x p50 at 1x" if s["size"] == 100 else "",
                (ratio <= 3) if s["size"] == 100 else None,
            )
    for key, value in res.items():
        if isinstance(value, dict) and "error" in value:
            add(f"{key}: FAILED", value["error"][:200])
    return rows


def format_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    header = ("measure", "figure", "floor / goal", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(lines)


def markdown_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    lines = ["| measure | figure | floor / goal | |", "|---|---|---|---|"]
    lines.extend("| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows)
    return "\n".join(lines)


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
        default="torch,onnx",
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
        "--subset-every",
        type=int,
        default=12,
        help="the subset is every Nth BBC file (default 12: 186 files)",
    )
    parser.add_argument("--questions", type=int, default=240)
    parser.add_argument(
        "--growth",
        default="1,10",
        help="index sizes in multiples of BBC (default 1,10; 1,10,100 takes "
        "~30 more minutes on 2 cores)",
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
        subset_every=args.subset_every,
        questions=args.questions,
        growth=[int(x) for x in args.growth.split(",") if x],
        recipe=not args.no_recipe,
        quality=not args.no_quality,
    )
    if args.quick:
        plan.subset_every, plan.runs, plan.questions, plan.growth = 5, 1, 60, [1, 2]
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
