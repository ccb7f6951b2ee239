"""Per-question outcomes and the aggregate metrics computed from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

HITS_AT = (1, 5, 10)
MRR_AT = 10


@dataclass(frozen=True)
class QuestionRecord:
    """What one system did with one question.

    `rank` is the evidence's 1-based position among the cited articles, then the retrieved
    ones (None: not in the list, or the question names no evidence); `search_rank` the same
    among the retrieved articles alone, which separates retrieval from the answerer's choice.

    `answer_hit` is None when the question has no gold answer strings (an unanswerable
    question may keep its strings, as in the not-found check, to count answers that came from
    other articles anyway).

    `correct` is the dev-score rule: answerable questions need found, the evidence cited and
    (if any) a gold string in the answer; unanswerable ones need found is False.
    """

    id: str
    question: str
    answerable: bool
    has_evidence: bool
    found: bool
    rank: int | None
    search_rank: int | None
    evidence_cited: bool
    answer_hit: bool | None
    correct: bool
    latency_s: float
    answer: str = ""
    cited: tuple[str, ...] = ()
    retrieved: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["latency_s"] = round(self.latency_s, 4)
        data["cited"] = list(self.cited)
        data["retrieved"] = list(self.retrieved)
        return data


@dataclass(frozen=True)
class Metrics:
    """Aggregates over a question set; a rate is None when no question qualifies for it."""

    questions: int
    answerable: int
    unanswerable: int
    hits_at_1: float | None
    hits_at_5: float | None
    hits_at_10: float | None
    mrr_at_10: float | None
    search_hits_at_1: float | None
    search_mrr_at_10: float | None
    answer_recall: float | None
    found_accuracy: float
    abstention_precision: float | None
    abstention_recall: float | None
    answerable_correct: float | None
    score: float
    latency_p50_s: float
    latency_p95_s: float

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _rate(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _mrr(ranks: Sequence[int | None]) -> float | None:
    if not ranks:
        return None
    return float(np.mean([1 / r if r and r <= MRR_AT else 0.0 for r in ranks]))


def aggregate(records: Sequence[QuestionRecord]) -> Metrics:
    """Hits@n and MRR@10 over answerable questions that name evidence; answer recall over
    answerable questions with gold strings; abstention precision and recall treat a declined
    question (found is False) as a prediction of "unanswerable"."""
    answerable = [r for r in records if r.answerable]
    unanswerable = [r for r in records if not r.answerable]
    ranked = [r for r in answerable if r.has_evidence]
    declined = [r for r in records if not r.found]
    latencies = np.array([r.latency_s for r in records], dtype=float)
    return Metrics(
        questions=len(records),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        hits_at_1=_rate([r.rank is not None and r.rank <= 1 for r in ranked]),
        hits_at_5=_rate([r.rank is not None and r.rank <= 5 for r in ranked]),
        hits_at_10=_rate([r.rank is not None and r.rank <= 10 for r in ranked]),
        mrr_at_10=_mrr([r.rank for r in ranked]),
        search_hits_at_1=_rate([r.search_rank == 1 for r in ranked]),
        search_mrr_at_10=_mrr([r.search_rank for r in ranked]),
        answer_recall=_rate([bool(r.answer_hit) for r in answerable if r.answer_hit is not None]),
        found_accuracy=_rate([r.found == r.answerable for r in records]) or 0.0,
        abstention_precision=_rate([not r.answerable for r in declined]),
        abstention_recall=_rate([not r.found for r in unanswerable]),
        answerable_correct=_rate([r.correct for r in answerable]),
        score=_rate([r.correct for r in records]) or 0.0,
        latency_p50_s=float(np.percentile(latencies, 50)) if len(latencies) else 0.0,
        latency_p95_s=float(np.percentile(latencies, 95)) if len(latencies) else 0.0,
    )
