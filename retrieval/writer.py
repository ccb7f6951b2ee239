"""`IndexWriter`: ingest and removal, one writer per data folder, finishing a dead write first."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Literal

from retrieval.chunking import Chunker, ChunkingConfig
from retrieval.embedding import Embedder
from retrieval.errors import NestedWriteError, StoreLockedError
from retrieval.indexer import Indexer
from retrieval.ingest import discover_files, read_articles
from retrieval.locking import WriterLock
from retrieval.manifest import Manifest
from retrieval.models import Article, IngestReport
from retrieval.store import ChunkStore
from retrieval.store_repair import repair_store

logger = logging.getLogger(__name__)

# Files that carry a stream of records rather than one edited document.
FEED_SUFFIXES = frozenset({".json", ".jsonl"})


class IndexWriter:
    """Writes articles to the manifest and the chunk store. A lock file keeps one writer per
    data folder across processes, and a thread lock one per process; a write that died is
    repaired before the next one starts. `after_write` runs after every write, whether it
    succeeded or not, so that readers drop what they cached."""

    def __init__(
        self,
        manifest: Manifest,
        store: ChunkStore,
        embedder: Embedder,
        lock_path: Path,
        *,
        after_write: Callable[[], None],
    ) -> None:
        self.manifest = manifest
        self.store = store
        self.embedder = embedder
        self.lock_path = lock_path
        self._after_write = after_write
        self._thread_lock = threading.Lock()
        self._writer_thread: int | None = None

    def ingest(
        self,
        paths: Sequence[str | Path] | str | Path,
        *,
        progress: bool = False,
        errors: Literal["strict", "replace"] = "strict",
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index the articles in `paths` (files or folders). Every file is read and checked
        before anything is written, so bad input leaves the index untouched.

        A document read again replaces what it held: its articles without a URL that it no
        longer holds (an edited headline, a story cut from the file) are removed. Feeds
        (.json, .jsonl) only add: an article keeps its place when a later feed leaves it out.
        """
        files = discover_files([paths] if isinstance(paths, str | Path) else paths)
        read = {path: read_articles(path, errors=errors) for path in files}
        return self.ingest_files(read, progress=progress, on_batch_done=on_batch_done)

    def ingest_files(
        self,
        read: Mapping[Path, Sequence[Article]],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index files already read: each path with the articles `read_articles` found in it.
        The same as `ingest`, for a caller that read them to check them first."""
        articles = [article for found in read.values() for article in found]
        documents = {
            str(path.resolve()): {article.article_id for article in found}
            for path, found in read.items()
            if path.suffix.lower() not in FEED_SUFFIXES
        }
        return self._write(articles, documents, progress=progress, on_batch_done=on_batch_done)

    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index `articles`; `on_batch_done` hears of each batch once it is durable."""
        return self._write(articles, {}, progress=progress, on_batch_done=on_batch_done)

    def _write(
        self,
        articles: Sequence[Article],
        documents: Mapping[str, set[str]],
        *,
        progress: bool,
        on_batch_done: Callable[[Sequence[Article]], None] | None,
    ) -> IngestReport:
        with self._writing(), WriterLock(self.lock_path) as lock:
            repair_store(self.store, self.manifest, suspect=lock.interrupted)
            indexer = self.indexer()
            report = indexer.ingest(articles, progress=progress, on_batch_done=on_batch_done)
            # After the new versions are in: an interrupted run leaves the old, never neither.
            held = self.manifest.from_files(documents)
            retired = [
                old
                for path, now in documents.items()
                for old in held.get(path, ())
                if old not in now
            ]
            if retired:
                report = replace(report, removed=indexer.remove(retired))
        logger.info(report.summary())
        return report

    def remove(self, article_ids: Sequence[str]) -> int:
        """Remove articles by id, finishing a pending write first; returns how many went."""
        with self._writing(), WriterLock(self.lock_path) as lock:
            indexer = self.indexer()
            repair_store(self.store, self.manifest, suspect=lock.interrupted)
            if self.manifest.pending():
                indexer.ingest([])
            return indexer.remove(article_ids)

    def finish_interrupted_write(self) -> IngestReport | None:
        """Repair and finish a write that died, before anything reads the store."""
        if WriterLock.holder(self.lock_path) is None:
            return None
        try:
            return self.add_articles([])
        except StoreLockedError:
            return None  # a live writer holds the lock and finishes it

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write at a time in this process, and `after_write` once the lock file is
        released: a failing callback must not mark a finished write as interrupted."""
        if self._writer_thread == threading.get_ident():
            # A plain lock would wait forever on itself (an `on_batch_done` that ingests).
            raise NestedWriteError()
        with self._thread_lock:
            self._writer_thread = threading.get_ident()
            try:
                yield
            finally:
                self._writer_thread = None
                self._after_write()

    def indexer(self) -> Indexer:
        """An indexer chunking to the embedder's input limit."""
        chunker = Chunker(
            self.embedder.token_counts, ChunkingConfig(max_tokens=self.embedder.max_tokens)
        )
        return Indexer(self.manifest, self.store, chunker, self.embedder)
