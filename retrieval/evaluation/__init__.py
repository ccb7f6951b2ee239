"""Answer-quality evaluation: question files, the harness, baselines and public benchmarks.

>>> from retrieval.evaluation import evaluate, load_questions
>>> result = evaluate(bot, load_questions("tests/data/dev_questions.jsonl"))  # doctest: +SKIP
>>> result.metrics.score, result.metrics.abstention_recall                     # doctest: +SKIP
"""

from __future__ import annotations

from retrieval.evaluation.goldset import ArticleRef, EvalQuestion, load_questions, write_questions
from retrieval.evaluation.harness import (
    EvalResult,
    NewsbotSystem,
    Response,
    System,
    calibrate,
    evaluate,
    evaluate_system,
)
from retrieval.evaluation.metrics import Metrics, QuestionRecord

__all__ = [
    "ArticleRef",
    "EvalQuestion",
    "EvalResult",
    "Metrics",
    "NewsbotSystem",
    "QuestionRecord",
    "Response",
    "System",
    "calibrate",
    "evaluate",
    "evaluate_system",
    "load_questions",
    "write_questions",
]
