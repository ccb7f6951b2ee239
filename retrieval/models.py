"""The value types that flow through newsbot: articles, chunks, passages, answers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# How an article's text marks a list item (a standfirst bullet, a Markdown list line), whatever
# marker the source used.
LIST_ITEM = "• "


def stable_id(*parts: str, length: int = 16) -> str:
    """A short deterministic id; the same inputs give the same id on every machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class Article:
    """One cleaned news article, ready to be chunked.

    `text` is the cleaned body (standfirst bullets included, headline excluded); chunk offsets
    point into it. `published` is an ISO date (YYYY-MM-DD) when the text or record gives one.
    """

    article_id: str
    title: str
    text: str
    origin: str
    source: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None
    dateline: str | None = None

    @property
    def content_hash(self) -> str:
        return stable_id(
            self.title,
            self.text,
            self.source or "",
            self.published or "",
            self.url or "",
            self.author or "",
            length=32,
        )


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned slice of an article: `article.text[start:end] == text`."""

    chunk_id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int
    title: str
    source: str | None = None
    published: str | None = None
    url: str | None = None

    @property
    def embed_text(self) -> str:
        """What the model sees: the headline gives every chunk its story's context."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma (which rejects None values)."""
        meta: dict[str, Any] = {
            "article_id": self.article_id,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "title": self.title,
        }
        for key in ("source", "published", "url"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        if self.published:
            meta["published_ts"] = published_ordinal(self.published)
        return meta


def published_ordinal(iso_date: str) -> int:
    """YYYY-MM-DD as a sortable integer (20240624) so Chroma can filter dates numerically."""
    return int(iso_date[:10].replace("-", ""))


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused relevance score (higher is better)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class Citation:
    """One numbered source behind an answer: the article and the passage quoted from it."""

    n: int
    article_id: str
    title: str
    source: str | None
    published: str | None
    url: str | None
    quote: str
    score: float
    also_reported_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "url": self.url,
            "quote": self.quote,
            "score": round(float(self.score), 4),
            "also_reported_by": list(self.also_reported_by),
        }


@dataclass(frozen=True)
class Answer:
    """An extractive answer: sentences marked [n], each n a `Citation`."""

    question: str
    text: str
    found: bool
    citations: tuple[Citation, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape other apps rely on (`newsbot ask --json`)."""
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class ArticleInfo:
    """What `sources` lists about an indexed article."""

    article_id: str
    title: str
    source: str | None
    published: str | None
    url: str | None
    chunks: int


@dataclass(frozen=True)
class IndexStats:
    articles: int
    chunks: int
    sources: tuple[str, ...]
    latest: str | None


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    chunks_written: int = 0
    articles: tuple[ArticleInfo, ...] = ()
    removed: int = 0  # articles their files no longer hold (an edited headline, a cut story)

    def summary(self) -> str:
        gone = f", {self.removed} removed (no longer in their files)" if self.removed else ""
        return (
            f"articles: {self.new} new, {self.changed} changed, {self.unchanged} unchanged"
            f"{gone}; chunks written: {self.chunks_written}"
        )
