"""An in-memory snapshot of the complete chunks and their BM25 index, refreshed on change."""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from retrieval.lexical import LexicalIndex
from retrieval.manifest import Manifest
from retrieval.models import ArticleInfo, Chunk, published_ordinal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    chunks: dict[str, Chunk]
    lexical: LexicalIndex

    def published_between(self, first: int | None, last: int | None) -> list[str]:
        """The chunks published from day `first` to day `last` (`published_ordinal`s,
        inclusive; None leaves that end open), oldest first."""
        days, chunk_ids = self._by_day
        low = 0 if first is None else bisect_left(days, first)
        high = len(days) if last is None else bisect_right(days, last)
        return chunk_ids[low:high]

    @cached_property
    def sources(self) -> tuple[str, ...]:
        """The outlets of the indexed articles, most chunks first; built on the first
        question that names an outlet, not with every snapshot."""
        counts = Counter(chunk.source for chunk in self.chunks.values() if chunk.source)
        return tuple(source for source, _ in counts.most_common())

    def newest_from(
        self, source: str, limit: int, *, first: str | None = None, last: str | None = None
    ) -> list[ArticleInfo]:
        """`Manifest.newest` over one outlet's articles: the `limit` most recently published,
        newest first, between the ISO days `first` and `last` when given; undated ones last,
        and only when no period is asked for."""
        dated = first is not None or last is not None
        return [
            info
            for info in self._articles_by_source.get(source, [])
            if not dated
            or (
                info.published is not None
                and (first is None or info.published[:10] >= first)
                and (last is None or info.published[:10] <= last)
            )
        ][:limit]

    def chunk_at(self, article_id: str, offset: int) -> Chunk | None:
        """The chunk of article `article_id` that holds its character `offset`."""
        for chunk in self._chunks_by_article.get(article_id, ()):
            if chunk.start <= offset < chunk.end:
                return chunk
        return None

    @cached_property
    def _chunks_by_article(self) -> dict[str, list[Chunk]]:
        # Built on the first question for someone's words, not with every snapshot.
        by_article: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in self.chunks.values():
            by_article[chunk.article_id].append(chunk)
        return dict(by_article)

    @cached_property
    def _articles_by_source(self) -> dict[str, list[ArticleInfo]]:
        # Built on the first question for one outlet's news, not with every snapshot.
        counts = Counter(chunk.article_id for chunk in self.chunks.values())
        first_chunks: dict[str, Chunk] = {}
        for chunk in self.chunks.values():
            first_chunks.setdefault(chunk.article_id, chunk)
        by_source: dict[str, list[ArticleInfo]] = defaultdict(list)
        for article_id, chunk in first_chunks.items():
            if chunk.source:
                by_source[chunk.source].append(
                    ArticleInfo(
                        article_id,
                        chunk.title,
                        chunk.source,
                        chunk.published,
                        chunk.url,
                        counts[article_id],
                    )
                )
        for infos in by_source.values():
            # Newest first, undated last, ties by headline: the manifest's order.
            infos.sort(key=lambda info: info.title)
            infos.sort(key=lambda info: info.published or "", reverse=True)
        return dict(by_source)

    @cached_property
    def _by_day(self) -> tuple[list[int], list[str]]:
        # Built on the first dated question, not with every snapshot.
        dated = sorted(
            (published_ordinal(chunk.published), chunk_id)
            for chunk_id, chunk in self.chunks.items()
            if chunk.published
        )
        return [day for day, _ in dated], [chunk_id for _, chunk_id in dated]


class Catalog:
    """Serves an immutable `Snapshot`; `current()` rebuilds it when the manifest has changed
    (in this process or another), so readers always see only complete articles.

    Safe to share between threads: a snapshot is never mutated, and one thread rebuilds while
    the others wait for its result.
    """

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest
        self._lock = threading.Lock()
        # (snapshot, the version it was built from), swapped as one object so a reader never
        # pairs one snapshot with another's version.
        self._state: tuple[Snapshot, tuple[int, int]] | None = None
        self._local_writes = 0

    def invalidate(self) -> None:
        """Force a rebuild on the next read (the manifest's generation also covers writes)."""
        with self._lock:
            self._local_writes += 1

    def current(self) -> Snapshot:
        state = self._state
        if state is not None and state[1] == self._current_version():
            return state[0]
        with self._lock:
            # Read the version before the rows: a write landing in between makes the next
            # call rebuild again, never labels old rows with a new version.
            version = self._current_version()
            if self._state is None or self._state[1] != version:
                chunks = self._manifest.done_chunks()
                snapshot = Snapshot(
                    chunks={c.chunk_id: c for c in chunks}, lexical=LexicalIndex(chunks)
                )
                self._state = (snapshot, version)
                logger.debug("catalog rebuilt: %d chunks", len(chunks))
            return self._state[0]

    def rarity(self, words: Iterable[str]) -> dict[str, float]:
        """How rare each term is among the indexed chunks (see `LexicalIndex.rarity`)."""
        return self.current().lexical.rarity(words)

    def _current_version(self) -> tuple[int, int]:
        return (self._manifest.generation(), self._local_writes)
