"""The HTML replies of /quotes: what someone said, or who is quoted most."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.formatting import MESSAGE_LIMIT, esc, headline, split_html
from retrieval.quotes import Quote

MAX_REQUEST_CHARS = 200
USAGE = (
    "Send /quotes and a name, e.g. <code>/quotes Putin</code> or "
    "<code>/quotes Putin about South Korea</code>; /quotes alone lists who is quoted most."
)


def format_quotes(
    speaker: str,
    topic: str | None,
    quotes: Sequence[Quote],
    *,
    total: int | None = None,
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """What `speaker` said, newest first, each statement with its article; or that nothing
    was found. Several people matching the name ("Kim") are named on each statement.
    `total` counts the statements found when only the newest are shown."""
    about = f" about {esc(topic)}" if topic else ""
    if not quotes:
        return [f"I found no statements by <b>{esc(speaker)}</b>{about} in the indexed articles."]
    names = Counter(q.speaker for q in quotes)
    one_speaker = len(names) == 1
    who = names.most_common(1)[0][0] if one_speaker else speaker
    more = total is not None and total > len(quotes)
    count = f"{len(quotes)} statement{'s' if len(quotes) != 1 else ''}, newest first"
    if more:
        count = f"the newest {len(quotes)} of {total:,} statements"
    lines = [f"<b>What {esc(who)} said</b>{about} ({count})"]
    for number, quote in enumerate(quotes, start=1):
        said = esc(quote.sentence.strip())
        if not one_speaker:
            said = f"<b>{esc(quote.speaker)}:</b> {said}"
        details = [esc(part) for part in (quote.source, quote.published) if part]
        source = headline(quote.title, quote.url) + (f", {', '.join(details)}" if details else "")
        lines.append(f"{number}. {said}\n— {source}")
    if more and not topic:
        lines.append(f"Add a topic to narrow it: <code>/quotes {esc(speaker)} about …</code>")
    return split_html("\n\n".join(lines), limit)


def format_speakers(speakers: Sequence[tuple[str, int]]) -> str:
    """Who is quoted most, for /quotes without a name."""
    if not speakers:
        return "No one is quoted in the indexed articles yet."
    lines = ["<b>Most quoted</b>"]
    for number, (speaker, count) in enumerate(speakers, start=1):
        lines.append(f"{number}. {esc(speaker)} ({count:,})")
    lines.append(f"\n{USAGE}")
    return "\n".join(lines)
