"""What's new: the leads of the newest articles, for a question that names no topic."""

from __future__ import annotations

import logging
import re
from typing import Protocol

from retrieval.answering import NOT_FOUND
from retrieval.candidates import article_sentences
from retrieval.models import LIST_ITEM, Answer, Article, ArticleInfo, Citation
from retrieval.timeframe import Timeframe
from retrieval.undated import UNDATED_NOTE

logger = logging.getLogger(__name__)

_ENDED = re.compile(r"[.!?][\"”’')]*$")


class Newest(Protocol):
    """Where the newest articles come from (the manifest)."""

    def newest(
        self, limit: int, *, first: str | None = None, last: str | None = None
    ) -> list[ArticleInfo]: ...

    def article(self, article_id: str) -> Article | None: ...


def digest(question: str, articles: Newest, period: Timeframe, *, limit: int = 3) -> Answer:
    """The lead sentence of each of the `limit` newest articles (published inside `period`
    when it is bounded), newest first, each cited."""
    first = period.start.isoformat() if period.start else None
    last = period.end.isoformat() if period.end else None
    citations: list[Citation] = []
    parts: list[str] = []
    for info in articles.newest(limit, first=first, last=last):
        found = articles.article(info.article_id)
        lead = _lead(found) if found else None
        if lead is None:
            continue
        n = len(citations) + 1
        citations.append(
            Citation(
                n=n,
                article_id=info.article_id,
                title=info.title,
                source=info.source,
                published=info.published,
                url=info.url,
                quote=lead,
                score=1.0,  # the lead is the answer by construction
            )
        )
        parts.append(f"{lead} [{n}]")
    if citations:
        if not any(c.published for c in citations):
            # Undated articles come in headline order: not "the latest" in any sense.
            parts.append(UNDATED_NOTE)
        return Answer(question, " ".join(parts), True, tuple(citations))
    logger.debug("digest: no article from %s to %s", first, last)
    newest = [i.published for i in articles.newest(1) if i.published]
    if not period.bounded or not newest:
        return Answer(question, NOT_FOUND, False)  # nothing indexed yet
    return Answer(
        question, f"I have no articles from that time; the newest is from {newest[0]}.", False
    )


def _lead(article: Article) -> str | None:
    """The article's opening sentence of body text. Standfirsts come first on many sites, as
    bullets or as a line without a full stop; the body's first sentence tells the story."""
    sentences = [article.text[start:end].strip() for start, end in article_sentences(article.text)]
    sentences = [s for s in sentences if s]
    body = [s for s in sentences if not s.startswith(LIST_ITEM)]
    ended = [s for s in body if _ENDED.search(s)]
    for choice in (ended, body, sentences):
        if choice:
            return choice[0].removeprefix(LIST_ITEM)
    return None
