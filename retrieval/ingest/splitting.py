"""Plain text and Markdown to articles: split at top-level headings and at page headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from retrieval.ingest.cleaning import (
    line_key,
    marker_date,
    normalize,
    page_marker_match,
    rule_by_name,
)
from retrieval.ingest.front_matter import apply_front_matter, split_front_matter
from retrieval.ingest.markdown import MarkdownLine, strip_markdown
from retrieval.ingest.outlets import outlet_from_text
from retrieval.ingest.raw import RawArticle

# How far above a page header the headline may sit (photo captions come in between).
_HEADLINE_LOOKBACK = 4
_MAX_HEADLINE_WORDS = 25
_CAPTION_END = re.compile(r"[.…]$")
_PHOTO_CREDIT = rule_by_name("photo_credit_caption")


@dataclass(frozen=True)
class _Header:
    """A run of page-marker lines ("Short Url", "Updated …", "Follow") under a headline."""

    first: int
    last: int
    published: str | None


def split_text(text: str) -> list[RawArticle]:
    """The articles in a .txt/.md file.

    A multi-article web-page copy is split at each page header (see `Action.PAGE_MARKER`): the
    headline is the line above it (repeated under it, usually), lines in between are photo
    captions. Markdown files also split at each top-level `# heading`, which becomes the title.
    Front matter at the top (`title:`, `date:`, `source:`, `url:`, `author:`) gives metadata.
    """
    meta, text = split_front_matter(normalize(text))
    hint = outlet_from_text(text)
    lines = strip_markdown(text.split("\n"))
    articles: list[RawArticle] = []
    for title, section in _sections(lines):
        articles.extend(_split_at_headers(title, section, hint))
    return apply_front_matter(articles, meta)


def _sections(lines: list[MarkdownLine]) -> Iterator[tuple[str | None, list[MarkdownLine]]]:
    """Runs of lines, each under its level-1 heading (the first may have none)."""
    title: str | None = None
    current: list[MarkdownLine] = []
    for line in lines:
        if line.heading == 1 and line.text.strip():
            if title is not None or _has_text(current):
                yield _titled(title, current)
            title, current = line.text.strip(), []
        else:
            current.append(line)
    if title is not None or _has_text(current):
        yield _titled(title, current)


def _titled(title: str | None, lines: list[MarkdownLine]) -> tuple[str | None, list[MarkdownLine]]:
    """Without a level-1 heading, a heading of any level opening the section is its title."""
    if title is None:
        first = next((i for i, line in enumerate(lines) if line.text.strip()), None)
        if first is not None and lines[first].heading:
            return lines[first].text.strip(), lines[first + 1 :]
    return title, lines


def _has_text(lines: list[MarkdownLine]) -> bool:
    return any(line.text.strip() for line in lines)


def _split_at_headers(
    title: str | None, lines: list[MarkdownLine], hint: str | None
) -> list[RawArticle]:
    headers = _find_headers(lines)
    if not headers:
        return [RawArticle(_join(lines), title, source_hint=hint)]
    starts: list[int] = []
    headlines: list[int | None] = []
    previous_end = -1
    for header in headers:
        headline = _find_headline(lines, header, previous_end)
        headlines.append(headline)
        starts.append(header.first if headline is None else headline)
        previous_end = header.last
    articles: list[RawArticle] = []
    if _has_text(lines[: starts[0]]):
        articles.append(RawArticle(_join(lines[: starts[0]]), title, source_hint=hint))
    for k, header in enumerate(headers):
        end = starts[k + 1] if k + 1 < len(headers) else len(lines)
        headline = headlines[k]
        articles.append(
            RawArticle(
                _join(lines[header.last + 1 : end]),
                lines[headline].text.strip() if headline is not None else None,
                published=header.published,
                source_hint=hint,
            )
        )
    return articles


def _find_headers(lines: list[MarkdownLine]) -> list[_Header]:
    """Runs of page markers (blank lines allowed between) that hold a date or 2+ markers."""
    headers: list[_Header] = []
    run: list[int] = []
    dates: list[str] = []

    def close() -> None:
        if run and (dates or len(run) >= 2):
            headers.append(_Header(run[0], run[-1], dates[0] if dates else None))
        run.clear()
        dates.clear()

    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        found = None if line.heading else page_marker_match(text)
        if found is None:
            close()
            continue
        run.append(i)
        date = marker_date(found)
        if date:
            dates.append(date)
    close()
    return headers


def _find_headline(lines: list[MarkdownLine], header: _Header, floor: int) -> int | None:
    """The headline's line index: the line above `header` that is repeated below it, else the
    nearest line above that is not a photo caption."""
    above = [i for i in range(header.first - 1, floor, -1) if lines[i].text.strip()][
        :_HEADLINE_LOOKBACK
    ]
    below = next((line.text for line in lines[header.last + 1 :] if line.text.strip()), None)
    if below is not None:
        for i in above:
            if line_key(lines[i].text) == line_key(below):
                return i
    return next((i for i in above if not _looks_like_caption(lines[i].text)), None)


def _looks_like_caption(text: str) -> bool:
    text = text.strip()
    return bool(
        _CAPTION_END.search(text)
        or len(text.split()) > _MAX_HEADLINE_WORDS
        or _PHOTO_CREDIT.matches_line(text)
    )


def _join(lines: list[MarkdownLine]) -> str:
    return "\n".join(line.text for line in lines)
