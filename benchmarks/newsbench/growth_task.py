"""Child task for index growth: retrieval latency as the index is padded to N x BBC."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from benchmarks.newsbench.common import Stopwatch, patched, summary_ms
from benchmarks.newsbench.loading import load_embedder, open_bot

logger = logging.getLogger(__name__)


def task_growth(spec: dict[str, Any]) -> dict[str, Any]:
    """Retrieval latency as the index grows to `sizes` x the BBC chunk count, padding it with
    perturbed copies of real articles and their real vectors written straight to the manifest
    and Chroma (the model would otherwise dominate the run)."""
    from retrieval.chunking import make_chunk
    from retrieval.models import Article, Chunk

    embedder = load_embedder(spec["backend"])
    bot = open_bot(spec["data_dir"], embedder)
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
                bot, copies_done, originals, by_article, vectors, rng, Article, make_chunk
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
    make_chunk: Any,
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
        chunks = [make_chunk(new, c.index, c.start, c.end) for c in by_article[aid]]
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
    # Without Chroma's copy of the text: our search reads chunk texts from the manifest's
    # snapshot and asks Chroma for ids and distances only, and leaving out the document (and
    # its full-text index) makes the 100x padding ~1.7x faster to write.
    for i in range(0, len(flat), bot.store.max_batch):
        batch = flat[i : i + bot.store.max_batch]
        bot.store.collection.add(
            ids=[c.chunk_id for c in batch],
            embeddings=noisy[i : i + len(batch)],
            metadatas=[c.metadata() for c in batch],
        )
    bot.manifest.mark_done([a.article_id for a in articles])
    return len(flat)


def _rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)
