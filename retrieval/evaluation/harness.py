"""Runs a question set through a system (ours or a baseline) and scores every answer."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from tqdm import tqdm

from retrieval.evaluation.goldset import ArticleRef, EvalQuestion, Ranking, contains_answer
from retrieval.evaluation.metrics import Metrics, QuestionRecord, aggregate
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    """A system's reply to one question, reduced to what the metrics need.

    `texts` is where gold answer strings are looked for (the answer and its quotes);
    `cited` are the articles the answer stands on, `retrieved` the ranked search results.
    """

    found: bool
    answer: str
    texts: tuple[str, ...]
    cited: tuple[ArticleRef, ...]
    retrieved: tuple[ArticleRef, ...]
    latency_s: float


class System(Protocol):
    name: str

    def respond(self, question: EvalQuestion, k: int) -> Response: ...


class NewsbotSystem:
    """Our product as the user sees it: `ask` for the answer, `search_in_time` (the search
    `ask` runs) for the ranking, both with the question's date as "today".

    Only `ask` is timed; the extra search exists so that an evidence article that was
    retrieved but not cited still gets a rank. With `answer=False` only the search runs
    (timed): the retriever alone, found whenever it returns anything.
    """

    def __init__(
        self, newsbot: Newsbot, *, name: str | None = None, ask_k: int = 5, answer: bool = True
    ) -> None:
        self.newsbot = newsbot
        self.name = name or ("ours" if answer else "ours-search")
        self.ask_k = ask_k
        self.answer = answer
        self._warm = False

    def respond(self, question: EvalQuestion, k: int) -> Response:
        today = date.fromisoformat(question.date) if question.date else None
        if not self._warm:
            # The first call loads the chunk snapshot and BM25 index; keep it out of latency.
            self.newsbot.search(question.question, k=1)
            self._warm = True
        if not self.answer:
            return self._search_only(question, k, today)
        start = time.perf_counter()
        answer = self.newsbot.ask(question.question, k=self.ask_k, today=today)
        latency = time.perf_counter() - start
        passages = self.newsbot.search_in_time(question.question, k=k, today=today)
        return Response(
            found=answer.found,
            answer=answer.text,
            texts=(answer.text, *(c.quote for c in answer.citations)),
            cited=tuple(ArticleRef.of_citation(c) for c in answer.citations),
            retrieved=tuple(ArticleRef.of_chunk(p.chunk) for p in passages),
            latency_s=latency,
        )

    def _search_only(self, question: EvalQuestion, k: int, today: date | None) -> Response:
        start = time.perf_counter()
        passages = self.newsbot.search_in_time(question.question, k=k, today=today)
        latency = time.perf_counter() - start
        return Response(
            found=bool(passages),
            answer="",
            texts=(),
            cited=(),
            retrieved=tuple(ArticleRef.of_chunk(p.chunk) for p in passages),
            latency_s=latency,
        )


@dataclass(frozen=True)
class EvalResult:
    """One system on one question set: every question's record and the aggregates."""

    system: str
    dataset: str
    k: int
    records: tuple[QuestionRecord, ...]
    metrics: Metrics

    def failures(self) -> list[QuestionRecord]:
        return [r for r in self.records if not r.correct]

    def to_dict(self, *, records: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "system": self.system,
            "dataset": self.dataset,
            "k": self.k,
            "metrics": self.metrics.to_dict(),
        }
        if records:
            data["records"] = [r.to_dict() for r in self.records]
        return data


def score_response(question: EvalQuestion, response: Response) -> QuestionRecord:
    evidence = question.evidence
    rank = Ranking.of(response.cited, response.retrieved).rank(evidence) if evidence else None
    search_rank = Ranking.of(response.retrieved).rank(evidence) if evidence else None
    evidence_cited = bool(evidence) and any(ref.matches_any(evidence) for ref in response.cited)
    answer_hit = contains_answer(question.answers, response.texts) if question.answers else None
    if question.answerable:
        correct = response.found and (evidence_cited or not evidence) and answer_hit is not False
    else:
        correct = not response.found
    return QuestionRecord(
        id=question.id,
        question=question.question,
        answerable=question.answerable,
        has_evidence=bool(evidence),
        found=response.found,
        rank=rank,
        search_rank=search_rank,
        evidence_cited=evidence_cited,
        answer_hit=answer_hit,
        correct=correct,
        latency_s=response.latency_s,
        answer=response.answer,
        cited=tuple(_label(ref) for ref in response.cited),
        retrieved=tuple(_label(ref) for ref in Ranking.of(response.retrieved).articles[:5]),
    )


def _label(ref: ArticleRef) -> str:
    return ref.title or ref.url or ref.article_id


def evaluate_system(
    system: System,
    questions: Sequence[EvalQuestion],
    *,
    k: int = 10,
    dataset: str = "",
    progress: bool = False,
) -> EvalResult:
    """Ask every question, score every response, aggregate."""
    if k < 1:
        raise ValueError("k must be at least 1")
    records = [
        score_response(question, system.respond(question, k))
        for question in _progress(questions, f"{dataset} {system.name}".strip(), progress)
    ]
    return EvalResult(system.name, dataset, k, tuple(records), aggregate(records))


def evaluate(
    newsbot: Newsbot,
    questions: Sequence[EvalQuestion],
    k: int = 10,
    *,
    ask_k: int = 5,
    answer: bool = True,
    dataset: str = "",
    progress: bool = False,
) -> EvalResult:
    """Our system on `questions` against whatever `newsbot` has indexed (`answer=False`:
    the retriever alone, much faster, no answer metrics).

    >>> result = evaluate(bot, load_questions("tests/data/dev_questions.jsonl"))  # doctest: +SKIP
    >>> round(result.metrics.score, 2)                                             # doctest: +SKIP
    0.93
    """
    system = NewsbotSystem(newsbot, ask_k=ask_k, answer=answer)
    return evaluate_system(system, questions, k=k, dataset=dataset, progress=progress)


@dataclass(frozen=True)
class CalibrationPoint:
    threshold: float
    score: float
    answerable_correct: float | None
    abstention_recall: float | None


def calibrate(
    newsbot: Newsbot,
    questions: Sequence[EvalQuestion],
    thresholds: Iterable[float],
    *,
    ask_k: int = 5,
) -> list[CalibrationPoint]:
    """The dev score at each `found_threshold`, asking through the real `ask` each time.

    The answerer's own sentence-vector cache makes every pass after the first cheap.
    """
    answerer = newsbot.answerer
    original = answerer.config
    points: list[CalibrationPoint] = []
    try:
        for threshold in thresholds:
            answerer.config = replace(original, found_threshold=threshold)
            metrics = evaluate(newsbot, questions, k=5, ask_k=ask_k).metrics
            points.append(
                CalibrationPoint(
                    threshold, metrics.score, metrics.answerable_correct, metrics.abstention_recall
                )
            )
    finally:
        answerer.config = original
    return points


def _progress(items: Sequence[EvalQuestion], label: str, enabled: bool) -> Iterable[EvalQuestion]:
    if not enabled:
        return items
    return tqdm(items, desc=label, unit="q", file=sys.stderr, mininterval=2.0, leave=False)
