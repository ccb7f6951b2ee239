"""What's new: the leads of the newest articles, for a question that names no topic."""

from __future__ import annotations

import logging
import re
from typing import Protocol

from retrieval.answering import NOT_FOUND
from retrieval.candidates import article_sentences
from retrieval.lexical import STOPWORDS, word_set
from retrieval.models import LIST_ITEM, Answer, Article, ArticleInfo, Citation
from retrieval.timeframe import Timeframe

logger = logging.getLogger(__name__)

# Words that ask for news without saying about what: "What's the latest news?", "Tell me
# today's headlines", "What happened this week?". Time words count too, since the period is
# read separately.
NEWS_WORDS = word_set(
    """
    news latest newest new headline headlines story stories top main big biggest update updates
    happened happening happen going on going's what's whats anything something today today's
    tonight yesterday week weekend month year this last past recent recently lately now
    currently current summary summarize summarise brief briefing digest roundup overview
    tell give show me us please hi hello hey any anything's there there's so far
    monday tuesday wednesday thursday friday saturday sunday morning evening
    """
)
_ENDED = re.compile(r"[.!?][\"”’')]*$")
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_ASKING = word_set("news latest newest new headline headlines stories happened happening")


def is_digest(question: str) -> bool:
    """Whether `question` asks what is new rather than about something: every word is about
    news, time or asking, and at least one asks for news ("What's new?", not "Who?")."""
    words = [w.replace("’", "'") for w in _WORD.findall(question.lower())]
    if not words or any(w not in NEWS_WORDS and w not in STOPWORDS for w in words):
        return False
    return any(w in _ASKING for w in words)


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
