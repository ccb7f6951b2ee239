"""Plain-text rendering of answers, source lists and quotes for terminals."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from retrieval.models import Answer, ArticleInfo, Citation, IndexStats

if TYPE_CHECKING:
    from retrieval.quotes import Quote


UNTITLED = "Untitled article"


def shown_title(title: str) -> str:
    """An article's title as shown, "Untitled article" when it has none."""
    return title.strip() or UNTITLED


def citation_line(citation: Citation) -> str:
    """'Headline — Outlet, 2024-06-24' with whatever metadata the article has."""
    title = shown_title(citation.title)
    meta = ", ".join(x for x in (citation.source, citation.published) if x)
    return f"{title} — {meta}" if meta else title


def format_answer_text(answer: Answer, width: int = 100) -> str:
    """The answer, then its sources. A source's passage is shown only where the answer does
    not already read it in full: our answers are the cited sentences themselves, so
    repeating them under each source doubled every reply."""
    lines = [textwrap.fill(answer.text, width=width)]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {citation_line(c)}")
            if c.url:
                lines.append(f"    {c.url}")
            if _read_in(answer.text, c.quote):
                continue
            # Indented, not put in quote marks: a passage that is itself a quotation would
            # read as ““…””.
            quote = textwrap.fill(
                c.quote, width=width, initial_indent="    ", subsequent_indent="    "
            )
            lines.append(quote)
    return "\n".join(lines)


def _read_in(text: str, quote: str) -> bool:
    """Whether every passage of `quote` (joined by " … ") is already in `text`."""
    return all(part.strip() in text for part in quote.split(" … "))


ID_SHOWN = 10
"""Characters of an article id that `newsbot sources` shows and `newsbot remove` accepts."""


def format_sources_table(infos: Sequence[ArticleInfo]) -> str:
    if not infos:
        return "the index is empty; add articles with `newsbot ingest PATH`"
    rows = [
        f"{i.article_id[:ID_SHOWN]}  {i.published or '—':<10}  {(i.source or '—')[:18]:<18}  "
        f"{i.chunks:>6}  {i.title}"
        for i in infos
    ]
    header = f"{'id':<{ID_SHOWN}}  {'date':<10}  {'outlet':<18}  {'chunks':>6}  headline"
    count = f"{len(infos)} article" + ("s" if len(infos) != 1 else "")
    return "\n".join([header, *rows, count])


def format_stats_text(stats: IndexStats) -> str:
    outlets = ", ".join(stats.sources) or "none recorded"
    return (
        f"articles: {stats.articles:,}\npassages: {stats.chunks:,}\n"
        f"outlets ({len(stats.sources)}): {outlets}\nlatest article: {stats.latest or '—'}"
    )


def format_statements_text(
    speaker: str, topic: str | None, quotes: Sequence[Quote], *, shown: int, more: str
) -> str:
    """What `speaker` said (`quotes`, newest first), the first `shown` of them, with `more`
    telling how to see the rest when there are more; or that nothing was found."""
    if not quotes:
        about = f" about {topic}" if topic else ""
        return f"No statements by {speaker}{about} in the indexed articles."
    text = format_quotes_text(quotes[:shown])
    if len(quotes) > shown:
        text += f"\n(the newest {shown}; {more})"
    return text


def format_quotes_text(quotes: Sequence[Quote], width: int = 100) -> str:
    """Each statement under its speaker, with the article it is from."""
    lines = []
    for quote in quotes:
        meta = ", ".join(x for x in (quote.source, quote.published) if x)
        lines.append(f"{quote.speaker}{' (quoted)' if quote.direct else ''}:")
        lines.append(
            textwrap.fill(quote.sentence, width, initial_indent="  ", subsequent_indent="  ")
        )
        lines.append(f"  — {shown_title(quote.title)}" + (f" ({meta})" if meta else ""))
    return "\n".join(lines)


def format_speakers_text(speakers: Sequence[tuple[str, int]]) -> str:
    """Who is quoted, most first, with their statement counts."""
    if not speakers:
        return "No attributed statements in the indexed articles yet."
    lines = ["Most quoted:"]
    lines += [f"  {count:5d}  {speaker}" for speaker, count in speakers]
    return "\n".join(lines)
