"""Ingestion into the index: skip unchanged articles, embed the rest once, never half-write."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from tqdm import tqdm

from retrieval.chunking import Chunker
from retrieval.embedding import Embedder
from retrieval.manifest import Manifest
from retrieval.models import Article, ArticleInfo, Chunk, IngestReport
from retrieval.store import ChunkStore

logger = logging.getLogger(__name__)

# Articles written per manifest transaction: small enough that a crash loses little work,
# large enough that the model sees full batches.
BATCH_ARTICLES = 64


class Indexer:
    """Writes articles into the manifest and the vector store.

    Each batch is marked 'pending' in the manifest, embedded and upserted, then marked 'done';
    articles left pending by a crash are rewritten from the manifest's copy on the next run.
    The caller holds the writer lock.
    """

    def __init__(
        self, manifest: Manifest, store: ChunkStore, chunker: Chunker, embedder: Embedder
    ) -> None:
        self.manifest = manifest
        self.store = store
        self.chunker = chunker
        self.embedder = embedder

    def ingest(
        self,
        articles: Sequence[Article],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        known = self.manifest.hashes()
        recovered = self._recover(known)
        latest = {a.article_id: a for a in articles}  # a later duplicate wins
        todo: list[Article] = []
        new = changed = unchanged = 0
        for article in latest.values():
            previous = known.get(article.article_id)
            if previous is None:
                new += 1
            elif previous == (article.content_hash, "done"):
                unchanged += 1
                continue
            else:
                changed += 1
            todo.append(article)
        todo.extend(a for a in recovered if a.article_id not in latest)

        written = self._write(todo, progress=progress, on_batch_done=on_batch_done)
        self._purge_stale()
        infos = tuple(
            ArticleInfo(a.article_id, a.title, a.source, a.published, a.url, n) for a, n in written
        )
        return IngestReport(
            new=new,
            changed=changed,
            unchanged=unchanged,
            chunks_written=sum(n for _, n in written),
            articles=infos,
        )

    def remove(self, article_ids: Sequence[str]) -> int:
        known = self.manifest.hashes()
        present = [a for a in article_ids if a in known]
        self.manifest.remove(present)
        self._purge_stale()
        return len(present)

    def _recover(self, known: dict[str, tuple[str, str]]) -> list[Article]:
        pending = [a for a, (_, state) in known.items() if state == "pending"]
        if not pending:
            return []
        logger.warning("finishing %d article(s) left pending by an interrupted run", len(pending))
        return list(self.manifest.articles(pending).values())

    def _write(
        self,
        articles: Sequence[Article],
        *,
        progress: bool,
        on_batch_done: Callable[[Sequence[Article]], None] | None,
    ) -> list[tuple[Article, int]]:
        written: list[tuple[Article, int]] = []
        chunk_lists = self.chunker.chunk_many(articles) if articles else []
        total = sum(len(c) for c in chunk_lists)
        bar = tqdm(total=total, unit="chunk", disable=not progress or total < 200, leave=False)
        with bar:
            for i in range(0, len(articles), BATCH_ARTICLES):
                batch = articles[i : i + BATCH_ARTICLES]
                batch_chunks = chunk_lists[i : i + BATCH_ARTICLES]
                flat: list[Chunk] = [c for chunks in batch_chunks for c in chunks]
                self.manifest.begin(batch, batch_chunks)
                vectors = self.embedder.encode([c.embed_text for c in flat])
                self.store.upsert(flat, vectors)
                self.manifest.mark_done([a.article_id for a in batch])
                written.extend((a, len(c)) for a, c in zip(batch, batch_chunks, strict=True))
                bar.update(len(flat))
                if on_batch_done is not None:
                    on_batch_done(batch)
        return written

    def _purge_stale(self) -> None:
        stale = self.manifest.stale_ids()
        if stale:
            self.store.delete(stale)
            self.manifest.clear_stale(stale)
