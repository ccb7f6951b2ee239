"""Publication dates in any common spelling, normalized to ISO `YYYY-MM-DD`."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime

from dateutil import parser as dateparser

logger = logging.getLogger(__name__)

_ISO = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DAY_FIRST = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{4}\b")
_MIN_YEAR, _MAX_YEAR = 1900, 2100
# Two different defaults: a part missing from the text shows up as a difference between them,
# so "June 2024" is refused instead of becoming June 1st.
_DEFAULTS = (datetime(1904, 1, 1), datetime(1908, 2, 2))
_MAX_TEXT = 100


def normalize_date(value: object) -> str | None:
    """`value` (text, datetime, date or Unix timestamp) as YYYY-MM-DD; None when it has no full
    date (year, month and day) or is out of range. Never raises."""
    found: date | None
    if isinstance(value, datetime | date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = _from_timestamp(float(value))
    elif isinstance(value, str):
        found = _from_text(value)
    else:
        found = None
    if found is None or not _MIN_YEAR <= found.year <= _MAX_YEAR:
        return None
    return f"{found.year:04d}-{found.month:02d}-{found.day:02d}"


def _from_timestamp(seconds: float) -> date | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_text(text: str) -> date | None:
    text = text.strip()
    if not text or len(text) > _MAX_TEXT:
        return None
    iso = _ISO.match(text)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    dayfirst = bool(_DAY_FIRST.match(text))
    try:
        first, second = (dateparser.parse(text, default=d, dayfirst=dayfirst) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError) as err:  # ParserError is a ValueError
        logger.debug("not a date: %r (%s)", text, err)
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    return first
