"""Child tasks that write the index: ingest (with its floor), re-ingest, query embedding."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.newsbench.common import ENCODE_BATCH, Stopwatch, load_average, patched, summary_ms
from benchmarks.newsbench.corpus import change_files, corpus_files
from benchmarks.newsbench.loading import MODEL_LOAD_S, load_embedder, open_bot

logger = logging.getLogger(__name__)


def _floor(embedder: Any, texts: list[str]) -> tuple[float, float]:
    """The bare model on the same texts: `encode` with a good batch size, nothing else.
    Returns (wall, CPU) seconds."""
    cpu = time.process_time()
    start = time.perf_counter()
    embedder.model.encode(texts, batch_size=ENCODE_BATCH, normalize_embeddings=True)
    return time.perf_counter() - start, time.process_time() - cpu


def _instrument_ingest(bot: Any, watch: Stopwatch) -> list[Any]:
    """Time the stages of `Newsbot.ingest` without changing what it does."""
    import retrieval.writer as writer
    from retrieval.chunking import Chunker

    embedder, manifest, store = bot.embedder, bot.manifest, bot.store
    contexts = [
        patched(writer, "read_articles", watch.wrap("read_files", writer.read_articles)),
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
    embedder = load_embedder(spec["backend"])
    runs: list[dict[str, Any]] = []
    for r in range(spec["runs"]):
        last = r == spec["runs"] - 1
        folder = Path(spec["data_dir"]) if last else Path(tempfile.mkdtemp(prefix="ingest-"))
        bot = open_bot(folder, embedder)
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
    embedder = load_embedder(spec["backend"])
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
    embedder = load_embedder(spec["backend"])
    bot = open_bot(spec["data_dir"], embedder)
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
