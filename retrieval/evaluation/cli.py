"""`newsbot eval QUESTIONS.jsonl`: answer quality of the current index on a question file."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from retrieval.errors import InputError
from retrieval.evaluation.goldset import load_questions
from retrieval.evaluation.harness import calibrate, evaluate
from retrieval.evaluation.report import format_failures, format_summary, write_json
from retrieval.service import Newsbot
from retrieval.settings import Settings

logger = logging.getLogger(__name__)

THRESHOLDS = tuple(round(0.30 + 0.02 * i, 2) for i in range(16))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="score answers on a question file (JSONL) against the current index",
        description="Asks every question of a JSONL question file (see tests/data/"
        "dev_questions.jsonl) and reports Hits@1/5/10, MRR@10, answer recall, abstention and "
        "latency. For the public benchmarks run `make eval`.",
    )
    p.add_argument("questions", help="JSONL file: id, question, answerable, evidence, answers")
    p.add_argument("--json", metavar="OUT", help="also write the metrics and every answer here")
    p.add_argument("--k", type=_count(1, 50), default=10, help="search depth ranked (default 10)")
    p.add_argument("--ask-k", type=_count(1, 50), default=5, help="passages ask reads (default 5)")
    p.add_argument("--limit", type=_count(1, 10**9), help="only the first N questions")
    p.add_argument("--failures", type=_count(0, 10**6), default=10, help="failed questions listed")
    p.add_argument(
        "--min-score", type=float, help="exit with status 1 if the score is below this (for CI)"
    )
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="also sweep the answerer's found_threshold and print the score at each value",
    )
    p.set_defaults(handler=cmd_eval)


def open_newsbot(settings: Settings) -> Newsbot:
    return Newsbot.open(settings)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[: args.limit]
    if not questions:
        raise InputError(f"{args.questions}: no questions in the file; add one JSON object a line")
    bot = open_newsbot(settings)
    try:
        if not bot.stats().articles:
            print("note: the index is empty; run `newsbot ingest seeds/` first", file=sys.stderr)
        result = evaluate(
            bot,
            questions,
            k=args.k,
            ask_k=args.ask_k,
            dataset=Path(args.questions).name,
            progress=sys.stderr.isatty(),
        )
        print(format_summary([result]))
        if args.failures and result.failures():
            print(f"\nwrong ({len(result.failures())} of {len(result.records)}):")
            print(format_failures(result, args.failures))
        if args.calibrate:
            print("\nfound_threshold  score  ok     abstR")
            for point in calibrate(bot, questions, THRESHOLDS, ask_k=args.ask_k):
                print(
                    f"{point.threshold:15.2f}  {point.score:.3f}  {_fmt(point.answerable_correct)}"
                    f"  {_fmt(point.abstention_recall)}"
                )
        if args.json:
            write_json(Path(args.json), result.to_dict())
            print(f"\nwrote {args.json}", file=sys.stderr)
    finally:
        bot.close()
    if args.min_score is not None and result.metrics.score < args.min_score:
        print(
            f"score {result.metrics.score:.3f} is below --min-score {args.min_score}",
            file=sys.stderr,
        )
        return 1
    return 0


def _fmt(value: float | None) -> str:
    return "—    " if value is None else f"{value:.3f}"


def _count(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from err
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse
