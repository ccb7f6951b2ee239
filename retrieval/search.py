"""Hybrid search: dense (Chroma) and BM25 rankings fused, a few chunks per article at most."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from retrieval.catalog import Catalog
from retrieval.embedding import Embedder
from retrieval.errors import BadLimitError
from retrieval.filters import check_where, matches
from retrieval.models import Passage
from retrieval.store import ChunkStore
from retrieval.timeframe import timeframe

logger = logging.getLogger(__name__)

# A period's chunks are named to Chroma up to this many (measured at 21,000: 10 ms against
# 62 ms for the same filter as a `where`); past it the request itself grows large.
_MAX_LISTED = 20_000


@dataclass(frozen=True)
class SearchConfig:
    candidates: int = 50
    per_article: int = 2
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    recency_weight: float = 0.3

    def __post_init__(self) -> None:
        if self.candidates < 1 or self.per_article < 1 or self.rrf_k < 1:
            raise ValueError("candidates, per_article and rrf_k must be positive")


class HybridSearcher:
    """Reciprocal-rank fusion of dense and BM25 rankings over complete chunks only.

    >>> searcher = HybridSearcher(store, embedder, catalog)   # doctest: +SKIP
    >>> [p.chunk.title for p in searcher.search("Putin South Korea", k=3)]  # doctest: +SKIP
    """

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        catalog: Catalog,
        config: SearchConfig | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.catalog = catalog
        self.config = config or SearchConfig()

    def search_in_time(
        self,
        query: str,
        *,
        k: int = 5,
        today: date | None = None,
        where: dict[str, Any] | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Passage]:
        """Search, favouring the period the query names ("this week", "in June 2024", counted
        from `today`, default the real today) and, for "latest", recent articles; `where`
        filters as in `search`.

        A named period ranks its articles first rather than excluding the rest: "When did
        France ban headscarves in 2004?" is answered by background in a 2025 article too.
        """
        period = timeframe(query, today)
        if query_vector is None:
            query_vector = self.embedder.encode([query])[0]
        passages = self.search(
            query, k=k, where=where, query_vector=query_vector, prefer_recent=period.latest
        )
        if not period.bounded:
            return passages
        inside = self.search(
            query,
            k=k,
            query_vector=query_vector,
            where=_both(period.where(), where),
            prefer_recent=period.latest,
        )
        seen = {p.chunk.chunk_id for p in inside}
        merged = inside + [p for p in passages if p.chunk.chunk_id not in seen]
        return merged[: max(k, len(inside))]

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        where: dict[str, Any] | None = None,
        query_vector: np.ndarray | None = None,
        prefer_recent: bool = False,
    ) -> list[Passage]:
        """The `k` best passages for `query`, at most `per_article` from one article.

        `where` is a Chroma metadata filter over the chunk fields `article_id`, `title`,
        `source`, `url`, `published` (text) and `published_ts` (the date as a number, for
        ranges: `{"published_ts": {"$gte": 20240601}}`); both halves of the search apply it."""
        if k < 1:
            raise BadLimitError("k", k)
        if where is not None:
            check_where(where)
        snapshot = self.catalog.current()
        if not snapshot.chunks:
            return []
        cfg = self.config
        vector = query_vector if query_vector is not None else self.embedder.encode([query])[0]
        days = _published_range(where) if where is not None else None
        listed = snapshot.published_between(*days) if days is not None else None
        dense = [
            (cid, sim)
            for cid, sim in self._dense(vector, where, listed)
            if cid in snapshot.chunks  # drop chunks of articles still being written
        ]
        lexical = snapshot.lexical.top(query, cfg.candidates)
        if listed is not None:
            allowed = set(listed)
            lexical = [(cid, s) for cid, s in lexical if cid in allowed]
        elif where is not None:
            allowed = {cid for cid, _ in dense}
            lexical = [
                (cid, s)
                for cid, s in lexical
                if cid in allowed or matches(snapshot.chunks[cid].metadata(), where)
            ]

        fused: dict[str, float] = defaultdict(float)
        dense_scores = dict(dense)
        lexical_scores = dict(lexical)
        for rank, (cid, _) in enumerate(dense):
            fused[cid] += cfg.dense_weight / (cfg.rrf_k + rank + 1)
        for rank, (cid, _) in enumerate(lexical):
            fused[cid] += cfg.lexical_weight / (cfg.rrf_k + rank + 1)

        if prefer_recent:
            _boost_recent(fused, snapshot.chunks, cfg.recency_weight)
        # Equal scores go to the more recent article.
        order = sorted(
            fused,
            key=lambda cid: (fused[cid], snapshot.chunks[cid].published or ""),
            reverse=True,
        )
        per_article: dict[str, int] = defaultdict(int)
        passages: list[Passage] = []
        for cid in order:
            chunk = snapshot.chunks[cid]
            if per_article[chunk.article_id] >= cfg.per_article:
                continue
            per_article[chunk.article_id] += 1
            passages.append(
                Passage(chunk, fused[cid], dense_scores.get(cid), lexical_scores.get(cid))
            )
            if len(passages) >= k:
                break
        return passages

    def _dense(
        self, vector: np.ndarray, where: dict[str, Any] | None, listed: list[str] | None
    ) -> list[tuple[str, float]]:
        """The nearest chunks, among `listed` ones when a period gave them: Chroma's own
        filter on dates costs several times more than naming the chunks. A very long list
        would make a large request, so it goes back to the filter."""
        k = self.config.candidates
        if listed is not None and len(listed) <= _MAX_LISTED:
            if not listed:
                return []
            hits = self.store.query_among(vector, k, listed)
            if hits is not None:
                return hits
        return self.store.query(vector, k, where=where)


def _both(first: dict[str, Any] | None, second: dict[str, Any] | None) -> dict[str, Any] | None:
    """One `where` that holds both filters (either may be None)."""
    parts = [
        part
        for where in (first, second)
        if where
        for part in (where["$and"] if set(where) == {"$and"} else [where])
    ]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _published_range(where: dict[str, Any]) -> tuple[int | None, int | None] | None:
    """The first and last day of a `where` on `published_ts` alone (what a question's
    period gives), else None."""
    parts = where["$and"] if set(where) == {"$and"} else [where]
    if not isinstance(parts, list) or not parts:
        return None
    first: int | None = None
    last: int | None = None
    for part in parts:
        if not isinstance(part, dict) or set(part) != {"published_ts"}:
            return None
        bounds = part["published_ts"]
        if (
            not isinstance(bounds, dict)
            or not bounds
            or not set(bounds) <= {"$gte", "$lte"}
            or not all(type(day) is int for day in bounds.values())
        ):
            return None  # Chroma's own filter judges anything else
        if "$gte" in bounds:
            first = bounds["$gte"] if first is None else max(first, bounds["$gte"])
        if "$lte" in bounds:
            last = bounds["$lte"] if last is None else min(last, bounds["$lte"])
    return first, last


def _boost_recent(fused: dict[str, float], chunks: dict[str, Any], weight: float) -> None:
    """For "latest" questions: scale scores by how recent each candidate is among the
    candidates (the newest gets `1 + weight`, the oldest or undated 1)."""
    dates = sorted({chunks[cid].published for cid in fused if chunks[cid].published})
    if len(dates) < 2:
        return
    position = {d: i / (len(dates) - 1) for i, d in enumerate(dates)}
    for cid in fused:
        published = chunks[cid].published
        if published:
            fused[cid] *= 1.0 + weight * position[published]
