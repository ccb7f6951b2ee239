"""Time in questions: "latest", "this week", "on Tuesday", "in June 2024", "on 24 June 2024"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from retrieval.models import published_ordinal

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+{_YEAR}\b", re.I)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I
)
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I)
_IN_YEAR = re.compile(rf"\b(?P<word>in|during|since|of)\s+{_YEAR}\b", re.I)
# A year is told after it ends too: its figures come out the next January ("Consumer prices
# jumped 7% last year, the Labor Department said Wednesday", dated 12 January).
_YEAR_TOLD = timedelta(days=45)
_LATEST = re.compile(
    r"\b(?:latest|most recent|newest|recently|recent|current|currently|now|these days)\b", re.I
)
_RELATIVE = {
    "today": (0, 0),
    "yesterday": (1, 1),
    "this week": (6, 0),
    "past week": (7, 0),
    "last week": (13, 0),
    "this month": (30, 0),
    "past month": (30, 0),
    "last month": (60, 0),
    "this year": (365, 0),
    "past year": (365, 0),
}
# How far outside a relative period ("this week") an article may be and still tell it: news
# of a story keeps coming for a week or two after it breaks.
_STALE = timedelta(days=14)
_RELATIVE_RE = re.compile(r"\b(" + "|".join(_RELATIVE) + r")\b", re.I)
# A weekday said as a time ("announced on Tuesday", "reopened Wednesday", "Monday night") is
# the past week's; "recently", "now" and "soon" speak of the past month; "last year" began on
# its 1 January. A name ("Sheffield Wednesday", "Black Friday") is not a time.
_DAYS = "|".join(calendar.day_name)
_NAMED_DAYS = "black|cyber|good|super|ash|holy|palm|easter|maundy|shrove|bloody"
_WEEKDAY = re.compile(
    rf"\b(?i:on|early|late|last|this|since|until|by|from|next|past|before|after)\s+(?i:{_DAYS})\b"
    rf"|\b(?!(?i:{_NAMED_DAYS})\b)[a-z]+\s+(?i:{_DAYS})\b(?!\s+[A-Z])"
    rf"|\b(?i:{_DAYS})\s+(?:night|morning|afternoon|evening)\b"
)
# Capitalised inside a question, "Now" is part of a title ("Apocalypse Now"). "Soon after
# exposure" and "as soon as" measure time from an event, not from today.
_LATELY = re.compile(
    r"\b(?:recently|now|currently)\b|^(?:Recently|Now|Currently)\b"
    r"|(?:\bsoon|^Soon)\b(?!\s+(?:after|before|as)\b)"
)
_LAST_YEAR = re.compile(r"\blast year\b", re.I)


@dataclass(frozen=True)
class Timeframe:
    """A date range to search in (inclusive, either end open) and whether to favour recency."""

    start: date | None = None
    end: date | None = None
    latest: bool = False
    relative: bool = False  # counted back from today: "this week", "yesterday"
    # Only implied ("on Tuesday", "recently"): it rules out stale answers but does not rank
    # search: ranking the period's articles first cost two right RealTime QA answers.
    implied: bool = False
    # The question's words that name a period counted back from today ("this week"); set
    # only for a relative period.
    words: str | None = None

    @property
    def bounded(self) -> bool:
        return not self.implied and (self.start is not None or self.end is not None)

    def rules_out(self, published: str | None) -> bool:
        """Whether an article published then is too far from a period counted back from
        today to tell what happened in it: "this week" is not answered by news from two
        months ago. A named date does not rule out background written later ("on January
        6, 2021" is told by 2022's hearings), and an undated article is never ruled out."""
        if not self.relative or not published:
            return False
        try:
            day = date.fromisoformat(published[:10])
        except ValueError:
            return False
        early = self.start - _STALE if self.start else date.min
        late = self.end + _STALE if self.end else date.max
        return not early <= day <= late

    def where(self) -> dict[str, Any] | None:
        """A Chroma `where` filter on chunks' numeric `published_ts`."""
        parts: list[dict[str, Any]] = []
        if self.start:
            parts.append({"published_ts": {"$gte": published_ordinal(self.start.isoformat())}})
        if self.end:
            parts.append({"published_ts": {"$lte": published_ordinal(self.end.isoformat())}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def untimed(self, question: str) -> str | None:
        """`question` without the words naming its period counted back from today, or None
        when it names none: "What is the latest on the pact this week?" becomes "What is
        the latest on the pact?"."""
        if not self.words:
            return None
        cut = question.replace(self.words, " ", 1)
        return re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s+", " ", cut)).strip() or None


def timeframe(question: str, today: date | None = None) -> Timeframe:
    """The period a question asks about, relative to `today` (the question's own date)."""
    today = today or date.today()
    latest = bool(_LATEST.search(question))
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO_DATE):
        match = pattern.search(question)
        if match:
            day = _day(match)
            if day:
                return Timeframe(day - timedelta(days=1), day + timedelta(days=1), latest)
    match = _MONTH_YEAR.search(question)
    if match:
        year, month = int(match.group("year")), _MONTHS[match.group("month").lower()]
        last = calendar.monthrange(year, month)[1]
        return Timeframe(date(year, month, 1), date(year, month, last), latest)
    match = _IN_YEAR.search(question)
    if match:
        year = int(match.group("year"))
        if match.group("word").lower() == "since":
            return Timeframe(date(year, 1, 1), None, latest)
        return Timeframe(date(year, 1, 1), date(year, 12, 31) + _YEAR_TOLD, latest)
    match = next((m for m in _RELATIVE_RE.finditer(question) if not _a_title(question, m)), None)
    if match:
        back, forward = _RELATIVE[match.group(1).lower()]
        start, end = today - timedelta(days=back), today + timedelta(days=forward)
        return Timeframe(start, end, latest, relative=True, words=match.group(0))
    implied = _implied_start(question, today)
    if implied:
        start, words = implied
        return Timeframe(start, today, latest, relative=True, implied=True, words=words)
    return Timeframe(latest=latest)


def _a_title(question: str, match: re.Match[str]) -> bool:
    """Whether a period's words, capitalised inside the question, name a programme: "the
    Today programme", ABC's "This Week"."""
    return match.group(0)[0].isupper() and bool(question[: match.start()].strip(" \"'“‘"))


def _implied_start(question: str, today: date) -> tuple[date, str] | None:
    """Where the period a question implies without naming it begins, and the words that
    imply it, if it implies one."""
    for pattern, start in (
        (_WEEKDAY, today - timedelta(days=7)),
        (_LATELY, today - timedelta(days=30)),
        (_LAST_YEAR, date(today.year - 1, 1, 1)),
    ):
        match = pattern.search(question)
        if match:
            return start, match.group(0)
    return None


def _day(match: re.Match[str]) -> date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
