"""The caveat for an answer to a question about a time that only undated articles give."""

from __future__ import annotations

from dataclasses import replace

from retrieval.models import Answer
from retrieval.timeframe import Timeframe

UNDATED_NOTE = "(These articles carry no dates, so I can't tell whether they are the newest.)"
UNDATED_PERIOD_NOTE = (
    "(These articles carry no dates, so I can't tell whether they are from the time you asked "
    "about.)"
)
_ONE_UNDATED = {
    UNDATED_NOTE: "(This article carries no date, so I can't tell whether it is the newest.)",
    UNDATED_PERIOD_NOTE: (
        "(This article carries no date, so I can't tell whether it is from the time you asked "
        "about.)"
    ),
}


def with_undated_caveat(answer: Answer, period: Timeframe) -> Answer:
    """`answer`, saying so when the question asks about a time ("this week", "latest", "in
    June 2024") and none of its articles is dated: an undated article is never ruled out,
    so the answer may be old news."""
    asks_a_time = period.latest or period.start is not None or period.end is not None
    if not answer.found or not asks_a_time or any(c.published for c in answer.citations):
        return answer
    note = UNDATED_NOTE if period.latest else UNDATED_PERIOD_NOTE
    if len(answer.citations) == 1:
        note = _ONE_UNDATED[note]
    return replace(answer, text=f"{answer.text} {note}")
