"""Candidate sentences: what an answer may quote from the retrieved passages, with the
context that tells what "he" and "the ban" refer to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.answer_config import AnswerConfig
from retrieval.answer_types import not_an_answer
from retrieval.models import LIST_ITEM, Article, Passage
from retrieval.questions import Question
from retrieval.sentences import sentence_spans
from retrieval.speaks_for import speaks_for
from retrieval.speech import Statement, speaker_matches, statements


@dataclass(frozen=True)
class Candidate:
    """A sentence an answer may quote, and where it comes from."""

    article: Article
    start: int
    end: int
    text: str
    passage_rank: int
    passage_score: float
    statement: Statement | None  # who says it; read only for "what did X say" questions
    context: str  # the headline and the sentence before: what "he" and "the ban" refer to


@lru_cache(maxsize=1024)
def article_sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def gather(
    question: Question,
    passages: Sequence[Passage],
    articles: Mapping[str, Article],
    config: AnswerConfig,
) -> list[Candidate]:
    """The sentences of the retrieved passages, their near neighbours and the leads of the
    top articles (for "what did X say", X's words anywhere in the best few), each once."""
    top_articles = list(dict.fromkeys(p.chunk.article_id for p in passages))
    lead_articles = set(top_articles[: config.lead_articles])
    speaker_articles: set[str] = set()
    # Who says what is read only for "what did X say": no other question scores by speaker,
    # and reading it is a good part of an answer's cost outside the model.
    by_speaker = question.kind == "say" and bool(question.speaker)
    if by_speaker:
        # A speaker's words are often spread through a long article, beyond the chunks
        # retrieved for the topic: read all of them in the best few articles.
        speaker_articles = set(top_articles[:3])
    seen: set[tuple[str, int]] = set()
    # Text repeated inside one article (a standfirst bullet echoed in the body, marker and
    # full stop aside) is read once; the same text in another article is kept, to be
    # grouped as the same story.
    seen_text: set[tuple[str, str]] = set()
    out: list[Candidate] = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        article = articles.get(chunk.article_id)
        if article is None:
            continue
        by_start = {s.start: s for s in statements(article.text)} if by_speaker else {}
        # Look a little past the chunk's edges: the sentence that completes an answer is
        # often the neighbour of the one that matched.
        low, high = (
            chunk.start - config.context_chars,
            chunk.end + config.context_chars,
        )
        spans = article_sentences(article.text)
        # The lead of a top story says who, what, where and when, whichever chunk matched.
        lead_end = (
            spans[min(len(spans), config.lead_sentences) - 1][1]
            if (spans and chunk.article_id in lead_articles)
            else -1
        )
        for i, (start, end) in enumerate(spans):
            near = (low < end and start < high) or end <= lead_end
            if not near and not (
                chunk.article_id in speaker_articles
                and start in by_start
                and speaker_matches(by_start[start].speaker, question.speaker or "")
            ):
                continue
            text = article.text[start:end]
            key = " ".join(text.removeprefix(LIST_ITEM).rstrip(" .!…").lower().split())
            if (
                (chunk.article_id, start) in seen
                or (chunk.article_id, key) in seen_text
                or len(text) < 15
                or not_an_answer(text)
            ):
                continue
            seen.add((chunk.article_id, start))
            seen_text.add((chunk.article_id, key))
            before = article.text[spans[i - 1][0] : spans[i - 1][1]] if i else ""
            out.append(
                Candidate(
                    article,
                    start,
                    end,
                    text,
                    rank,
                    passage.score,
                    by_start.get(start),
                    f"{article.title}\n{before}",
                )
            )
    return out


def is_lead(candidate: Candidate) -> bool:
    """Whether the sentence opens its article: news puts who, what and when first."""
    spans = article_sentences(candidate.article.text)
    return bool(spans) and spans[0][0] == candidate.start


def said_by(candidate: Candidate, speaker: str) -> bool:
    """Whether the sentence is `speaker`'s words, or those of someone the article introduces
    as speaking for them ("Kremlin spokesman Dmitry Peskov" for "the Kremlin")."""
    said = candidate.statement
    return said is not None and (
        speaker_matches(said.speaker, speaker)
        or speaks_for(candidate.article.text, said.speaker, speaker)
    )
