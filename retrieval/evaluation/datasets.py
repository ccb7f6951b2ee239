"""Benchmarks: a corpus and its questions, and the not-found variants built from one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.evaluation.goldset import ArticleRef, EvalQuestion, contains_answer, url_key
from retrieval.models import Article, stable_id

logger = logging.getLogger(__name__)


def _default_datasets() -> Path:
    """`../shared/datasets` beside the checkout, as the README says; a clone made elsewhere on
    the development machine still finds the shared copy."""
    beside = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
    return beside if beside.is_dir() else Path("/work/shared/datasets")


DEFAULT_DATASETS = _default_datasets()


@dataclass(frozen=True)
class Benchmark:
    """A corpus to index and the questions to ask of it."""

    name: str
    articles: tuple[Article, ...]
    questions: tuple[EvalQuestion, ...]
    notes: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any article's id or content does; keys the index cache."""
        return stable_id(*sorted(f"{a.article_id}:{a.content_hash}" for a in self.articles))

    def without_evidence(self, name: str | None = None) -> Benchmark:
        """The not-found check: the same questions, their evidence articles removed from the
        corpus, so every question becomes unanswerable (other articles may still tell the
        story; the gold strings are kept to count those answers)."""
        return self._unanswerable(self._articles_without_evidence(), name)

    def without_stories(self, pages: dict[str, Sequence[str]], name: str) -> Benchmark:
        """A stricter not-found check: each question's evidence and every page found for it
        (`pages`: question id -> URLs, e.g. the web search results RealTime QA ran for that
        question) removed, so no page written about the asked story is left to answer it."""
        searched = {url_key(u) for urls in pages.values() for u in urls}
        kept = tuple(
            a
            for a in self._articles_without_evidence()
            if not (a.url and url_key(a.url) in searched)
        )
        return self._unanswerable(kept, name)

    def without_answers(self, pages: dict[str, Sequence[str]], name: str) -> Benchmark:
        """The not-found check where the index still tells the story but not the asked fact:
        each question's evidence removed, and every page found for it (`pages`) that holds
        its gold answer; the story's other pages stay. Notes how many questions such a page
        answered (`told_by_other_pages`): with only the evidence removed, those are still
        answerable. The gold strings may also appear in pages about other stories."""
        remaining = self._articles_without_evidence()
        by_url = {url_key(a.url): a for a in remaining if a.url}
        telling: set[str] = set()
        told = 0
        for q in self.questions:
            found = [key for u in pages.get(q.id, ()) if (key := url_key(u)) in by_url]
            holding = {key for key in found if contains_answer(q.answers, [by_url[key].text])}
            told += bool(holding)
            telling |= holding
        kept = tuple(a for a in remaining if not (a.url and url_key(a.url) in telling))
        untold = self._unanswerable(kept, name)
        untold.notes["told_by_other_pages"] = told
        return untold

    def _articles_without_evidence(self) -> tuple[Article, ...]:
        evidence = [e for q in self.questions for e in q.evidence]
        return tuple(
            a
            for a in self.articles
            if not ArticleRef(a.article_id, a.title, a.url, a.source).matches_any(evidence)
        )

    def _unanswerable(self, kept: tuple[Article, ...], name: str | None) -> Benchmark:
        """The same questions, all unanswerable, over `kept` (gold strings kept)."""
        questions = tuple(
            EvalQuestion(q.id, q.question, False, q.evidence, q.answers, q.date)
            for q in self.questions
        )
        notes = {**self.notes, "removed_articles": len(self.articles) - len(kept)}
        return Benchmark(name or f"{self.name}-notfound", kept, questions, notes)


def spread_sample(items: Sequence[Any], n: int | None) -> list[Any]:
    """`n` items spread evenly over `items` (every category of a sorted corpus is covered)."""
    if n is None or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]
