"""The HTML replies of /quotes: what someone said, or who is quoted most."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.formatting import MESSAGE_LIMIT, esc, headline, split_html, utf16_len
from retrieval import Quote

MAX_REQUEST_CHARS = 200
PER_PAGE = 10
USAGE = (
    "Send /quotes and a name, e.g. <code>/quotes Putin</code> or "
    "<code>/quotes Putin about South Korea</code>; /quotes alone lists who is quoted most."
)


@dataclass(frozen=True)
class QuotesPage:
    """One message of a /quotes reply: statements `start` to `end` (exclusive) of `total`."""

    text: str
    start: int
    end: int
    total: int

    @property
    def has_newer(self) -> bool:
        return self.start > 0

    @property
    def has_older(self) -> bool:
        return self.end < self.total


def format_quotes_page(
    speaker: str,
    topic: str | None,
    quotes: Sequence[Quote],
    *,
    start: int = 0,
    end: int | None = None,
    per_page: int = PER_PAGE,
    limit: int = MESSAGE_LIMIT,
) -> QuotesPage:
    """What `speaker` said, newest first, each statement with its article; or that nothing
    was found. `quotes` is everything found; the page shows up to `per_page` of them from
    `start` on, or, given `end`, the ones just before `end` (the "newer" button), as many as
    fit one message. Several people matching the name ("Kim") are named on each statement."""
    about = f" about {esc(topic)}" if topic else ""
    if not quotes:
        text = f"I found no statements by <b>{esc(speaker)}</b>{about} in the indexed articles."
        return QuotesPage(text, 0, 0, 0)
    total = len(quotes)
    if end is not None:
        end = max(1, min(end, total))
        spans = [(end - n, end) for n in range(min(per_page, end), 0, -1)]
    else:
        start = max(0, min(start, total - 1))
        spans = [(start, start + n) for n in range(min(per_page, total - start), 0, -1)]
    names = Counter(q.speaker for q in quotes)
    # One speaker is named in the heading; several ("Kim") are named on each statement.
    who = names.most_common(1)[0][0] if len(names) == 1 else None
    # The longest page that fits one message: links and long sentences can fill one early.
    for first, last in spans:
        text = _render(speaker, about, quotes, first, last, who, topic is None)
        if utf16_len(text) <= limit or last - first == 1:
            break
    if utf16_len(text) > limit:  # one statement longer than a message
        text = split_html(text, limit)[0]
    return QuotesPage(text, first, last, total)


def _render(
    speaker: str,
    about: str,
    quotes: Sequence[Quote],
    first: int,
    last: int,
    only_speaker: str | None,
    no_topic: bool,
) -> str:
    """Statements `first` to `last` of `quotes`, under the name of `only_speaker` when all
    are one person's, else of the requested `speaker` with each statement's own speaker."""
    shown = quotes[first:last]
    total = len(quotes)
    if last - first == total:
        count = f"{total} statement{'s' if total != 1 else ''}, newest first"
    elif first == 0:
        count = f"the newest {last} of {total:,} statements"
    else:
        count = f"statements {first + 1}–{last} of {total:,}, newest first"
    lines = [f"<b>What {esc(only_speaker or speaker)} said</b>{about} ({count})"]
    for number, quote in enumerate(shown, start=first + 1):
        said = esc(quote.sentence.strip())
        if only_speaker is None:
            said = f"<b>{esc(quote.speaker)}:</b> {said}"
        details = [esc(part) for part in (quote.source, quote.published) if part]
        source = headline(quote.title, quote.url) + (f", {', '.join(details)}" if details else "")
        lines.append(f"{number}. {said}\n— {source}")
    if last - first < total and no_topic:
        lines.append(f"Add a topic to narrow it: <code>/quotes {esc(speaker)} about …</code>")
    return "\n\n".join(lines)


def format_speakers(speakers: Sequence[tuple[str, int]]) -> str:
    """Who is quoted most, for /quotes without a name."""
    if not speakers:
        return "No one is quoted in the indexed articles yet."
    lines = ["<b>Most quoted</b>"]
    for number, (speaker, count) in enumerate(speakers, start=1):
        lines.append(f"{number}. {esc(speaker)} ({count:,})")
    lines.append(f"\n{USAGE}")
    return "\n".join(lines)
