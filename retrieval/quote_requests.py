"""Reading a free-text quotes request ("putin korea", "Putin about South Korea") as a speaker
and a topic, and finding the statements it asks for."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.questions import parse
from retrieval.quotes import Quote

logger = logging.getLogger(__name__)

# Words in the longest name tried: each reading is a lookup, and no name runs longer.
_LONGEST_NAME = 5
# "Putin about South Korea", "Putin on Korea", "Sue Mi Terry: sanctions".
_TOPIC_AFTER = re.compile(r"\s+(?:about|on|regarding)\s+|\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class QuoteSearch:
    """What a request was read as, and the statements found for it, newest first.

    `speaker` and `topic` are the reading that found them; when nothing was found, the
    reading to report ("no statements by Putin about cheese")."""

    speaker: str
    topic: str | None
    quotes: tuple[Quote, ...]


def names_someone(request: str) -> bool:
    """Whether a request could name anyone; one that cannot ("", "?") asks who is quoted."""
    return any(ch.isalnum() for ch in request)


def readings(request: str) -> list[tuple[str, str | None]]:
    """Ways to read a request as (speaker, topic), the likeliest first.

    "What did Putin say about Korea?" is read as the question it is. "Putin about Korea" and
    "Putin: Korea" say where the name ends; so does the first lowercase word after a
    capitalised name ("Kim Jong Un nuclear"). Otherwise "putin korea" is tried as one name,
    then as a shorter name followed by a topic, so a user need not learn a syntax to narrow
    a name down. No reading has a name of more than five words.
    """
    request = " ".join(request.split())
    asked = parse(request)
    if asked.kind == "say" and asked.speaker:  # "What did Putin say about Korea?"
        return [(asked.speaker, asked.topic)]
    parts = _TOPIC_AFTER.split(request, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return [(parts[0], parts[1])]
    words = request.split()
    named = next((n for n, word in enumerate(words) if not word[:1].isupper()), len(words))
    options: list[tuple[str, str | None]] = []
    if 0 < named < len(words):
        options.append((" ".join(words[:named]), " ".join(words[named:])))
    if len(words) <= _LONGEST_NAME:
        options.append((request, None))
    longest = min(len(words) - 1, _LONGEST_NAME)
    options += [(" ".join(words[:n]), " ".join(words[n:])) for n in range(longest, 0, -1)]
    return list(dict.fromkeys(options))


def search_quotes(
    request: str, find: Callable[[str, str | None, int], list[Quote]], *, limit: int
) -> QuoteSearch:
    """The first reading of `request` that `find(speaker, topic, limit)` finds statements
    for. If none does: someone quoted but never on that topic, else the whole request as
    a name."""
    options = readings(request)
    for speaker, topic in options:
        found = find(speaker, topic, limit)
        if found:
            return QuoteSearch(speaker, topic, tuple(found))
    for speaker, topic in options:
        if topic and find(speaker, None, 1):
            return QuoteSearch(speaker, topic, ())
    speaker, topic = options[0] if len(options) == 1 else (" ".join(request.split()), None)
    return QuoteSearch(speaker, topic, ())
