"""Passages holding a speaker's words on a topic, from the quote book, for "what did X say"."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from retrieval.answer_types import names_in
from retrieval.catalog import Snapshot
from retrieval.lexical import terms
from retrieval.models import Passage
from retrieval.news_words import sentence_terms
from retrieval.questions import Question
from retrieval.quotes import Quote

logger = logging.getLogger(__name__)

# How many passages the quote book may add, and how many of the speaker's newest statements
# it weighs to choose them. Search that brought back two of the speaker's statements needs
# none added: an answer quotes about four sentences.
_MOST_ADDED = 2
MOST_WEIGHED = 50
_ENOUGH_HELD = 2


def with_said_passages(
    passages: Sequence[Passage],
    question: Question,
    find: Callable[[str, str | None], list[Quote]],
    snapshot: Callable[[], Snapshot],
    outlet: str | None = None,
) -> list[Passage]:
    """`passages`, plus the passages that hold what the question's speaker said (on its
    topic, if it names one) when search brought back fewer than two of those statements:
    "What did the Kremlin say about talks?" finds "The Kremlin said Friday it is ready to
    hold talks …" though the question's words rank other passages first, and "What did
    Ferguson say about the performance?" quotes his words beside the report of them. Only
    statements search did not bring back are added. `find(speaker, topic)` reads the quote
    book, newest first (`MOST_WEIGHED` of them); `snapshot()` is read only when passages are
    added; `outlet` keeps to one outlet's articles. The added passages rank last."""
    if question.kind != "say" or not question.speaker:
        return list(passages)
    said = [q for q in find(question.speaker, question.topic) if outlet in (None, q.source)]
    # "How did China react to the sanctions?" names no topic the words must hold (China's
    # reaction need not say "sanctions"), but when some hold the question's words, only
    # they count, those holding the most first (ties newest first): Xi Jinping's words on
    # another subject, brought back by search, do not answer it.
    asked = set(terms(question.text)) - set(terms(question.speaker))
    if question.topic is None:
        # What it reacted to, when named ("Finland joining NATO"), is what its words must
        # be about: Putin on Ukraine joining the EU "unlike NATO" shares two words with
        # "How did Russia react to Finland joining NATO?" and none of its story.
        named = _named(question)
        said = [q for q in said if _names_all(q.sentence, named)]
    shared = [(len(asked & sentence_terms(quote.sentence)), quote) for quote in said]
    if any(count for count, _ in shared):
        said = [quote for count, quote in sorted(shared, key=lambda pair: -pair[0]) if count]
    held = [q for q in said if any(_holds(p, q) for p in passages)]
    if not said or len(held) >= _ENOUGH_HELD:
        return list(passages)
    said = [q for q in said if q not in held]
    lowest = min((p.score for p in passages), default=0.0)
    chunks = snapshot()
    added: dict[str, Passage] = {}
    for quote in said:
        chunk = chunks.chunk_at(quote.article_id, quote.start)
        if chunk is not None and chunk.chunk_id not in added:
            added[chunk.chunk_id] = Passage(chunk, lowest)
        if len(added) == _MOST_ADDED:
            break
    logger.debug("quote book added %d passages for %r", len(added), question.text)
    return [*passages, *added.values()]


def _named(question: Question) -> list[set[str]]:
    """The terms of each name the question gives besides its speaker's (a year is when, not
    what: "react to the sanctions in 2022")."""
    speaker = set(terms(question.speaker or ""))
    named = (set(terms(name)) for name in names_in(question.text) if not name.isdigit())
    return [name for name in named if name and not name <= speaker]


def _names_all(sentence: str, names: list[set[str]]) -> bool:
    have = sentence_terms(sentence)
    return all(name <= have for name in names)


def _holds(passage: Passage, quote: Quote) -> bool:
    chunk = passage.chunk
    return chunk.article_id == quote.article_id and chunk.start <= quote.start < chunk.end
