"""Raw parser output to `Article`s: cleaned text, title, dateline, date, outlet and stable ids."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from retrieval.ingest.cleaning import clean_blocks, line_key, normalize
from retrieval.ingest.dates import normalize_date
from retrieval.ingest.outlets import outlet_from_url, split_title_outlet
from retrieval.ingest.raw import RawArticle
from retrieval.models import LIST_ITEM, Article, stable_id

logger = logging.getLogger(__name__)

_MAX_HEADLINE_CHARS = 200
_MAX_HEADLINE_WORDS = 30
_TITLE_WORDS = 12
_DATELINE_SEARCH = 3  # paragraphs: a standfirst without bullets may come first
_SHORT_SENTENCE_WORDS = 14
_NOT_HEADLINE_END = (".", ",", ";", ":")
_TRAILING_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_WIRES = r"(?:AP|AFP|Reuters|CNN|dpa|UPI|Bloomberg)"
# "MOSCOW: …", "NEW YORK — …", "LOUISVILLE, Ky. — …", "KYIV (Reuters) - …"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]*[A-Z.](?:\s[A-Z][A-Z'’.\-]*[A-Z.]){0,3})"
    r"(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    rf"(?:\s*\({_WIRES}[^()]{{0,30}}\))?"
    r"\s*(?::|\s[—–-]{1,2})\s+(?=\S)"
)
# CNN's form, where the credit in brackets is the separator: "(CNN) …", "Hong Kong (CNN) …",
# "New York (CNN Business) …"; the place, when given, is in ordinary case.
_WIRE_DATELINE = re.compile(
    r"(?:(?P<place>[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,3})\s*)?"
    rf"\({_WIRES}(?: [A-Z][a-z]+)?\)\s*"
    r"(?:[—–-]{1,2}\s*(?=\S)|(?=[A-Z0-9“‘\"']))"
)
_NOT_DATELINES = frozenset(
    {
        "BREAKING",
        "BREAKING NEWS",
        "UPDATE",
        "UPDATED",
        "EXCLUSIVE",
        "WATCH",
        "ANALYSIS",
        "OPINION",
        "NOTE",
        "EDITOR'S NOTE",
        "EDITOR’S NOTE",
        "LIVE",
        "WARNING",
        "CORRECTION",
        "FACT CHECK",
        "READ MORE",
        "RELATED",
    }
)


@dataclass(frozen=True)
class _Draft:
    title: str
    derived_title: bool
    text: str
    raw: RawArticle
    published: str | None
    source: str | None
    dateline: str | None


def build_articles(path: Path, raws: Iterable[RawArticle]) -> list[Article]:
    """The articles among `raws` that keep any text after cleaning, with stable ids.

    Ids: `stable_id("url", url)` when there is a URL, else the resolved file path and the
    headline, plus the article's ordinal when the headline is missing or repeats in the file.
    A later record with an id already seen (the same URL twice) is dropped.
    """
    drafts = [d for d in (_draft(raw) for raw in raws) if d is not None]
    title_counts = Counter(line_key(d.title) for d in drafts)
    resolved = str(path.resolve())
    articles: list[Article] = []
    seen: set[str] = set()
    for ordinal, draft in enumerate(drafts, start=1):
        raw = draft.raw
        if raw.url:
            article_id = stable_id("url", canonical_url(raw.url))
        elif draft.derived_title or title_counts[line_key(draft.title)] > 1:
            article_id = stable_id(resolved, line_key(draft.title), str(ordinal))
        else:
            article_id = stable_id(resolved, line_key(draft.title))
        if article_id in seen:
            logger.debug(
                "%s#%d: same article as an earlier one (%s); skipped", path, ordinal, raw.url
            )
            continue
        seen.add(article_id)
        articles.append(
            Article(
                article_id=article_id,
                title=draft.title,
                text=draft.text,
                origin=f"{resolved}#{ordinal}",
                source=draft.source,
                published=draft.published,
                url=raw.url,
                author=raw.author,
                dateline=draft.dateline,
            )
        )
    return articles


def _draft(raw: RawArticle) -> _Draft | None:
    cleaned = clean_blocks(raw.body)
    blocks = [list(block) for block in cleaned.blocks]
    title, title_outlet = split_title_outlet(_one_line(raw.title or ""))
    if not title and len(blocks) >= 2 and len(blocks[0]) == 1 and _is_headline(blocks[0][0]):
        title = blocks.pop(0)[0]
    title_key = line_key(title)
    paragraphs = [p for block in blocks for p in block if line_key(p) != title_key]
    dateline = _take_dateline(paragraphs)
    if not paragraphs:
        logger.debug("no article text left after cleaning: %r", title or raw.body[:80])
        return None
    derived = not title
    if derived:
        title = _title_from_text(paragraphs)
    source = (
        _one_line(raw.source or "") or outlet_from_url(raw.url) or title_outlet or raw.source_hint
    )
    published = normalize_date(raw.published) or next(iter(cleaned.dates), None)
    return _Draft(
        title=title,
        derived_title=derived,
        text="\n\n".join(paragraphs),
        raw=raw,
        published=published,
        source=source or None,
        dateline=dateline,
    )


def _one_line(text: str) -> str:
    return " ".join(normalize(text).split())


def _is_headline(line: str) -> bool:
    return (
        len(line) <= _MAX_HEADLINE_CHARS
        and 0 < len(line.split()) <= _MAX_HEADLINE_WORDS
        and not line.endswith(_NOT_HEADLINE_END)
        and not line.startswith(LIST_ITEM)
    )


def _take_dateline(paragraphs: list[str]) -> str | None:
    """Strips "MOSCOW: " or "(CNN)" from the start of the body, which may follow standfirst
    lines, and gives the place if it names one."""
    candidates = [i for i, p in enumerate(paragraphs) if not p.startswith(LIST_ITEM)]
    for i in candidates[:_DATELINE_SEARCH]:
        match = _DATELINE.match(paragraphs[i])
        if match and match["place"] not in _NOT_DATELINES and len(match["place"]) >= 3:
            paragraphs[i] = paragraphs[i][match.end() :]
            return match["place"]
        match = _WIRE_DATELINE.match(paragraphs[i])
        if match:
            paragraphs[i] = paragraphs[i][match.end() :]
            return match["place"]
    return None


def _title_from_text(paragraphs: list[str]) -> str:
    """A headline for an article that has none: its first sentence, cut to ~12 words."""
    lead = next((p for p in paragraphs if not p.startswith(LIST_ITEM)), paragraphs[0])
    sentence = _SENTENCE_END.split(lead.removeprefix(LIST_ITEM), maxsplit=1)[0].strip()
    words = sentence.split()
    if len(words) <= _SHORT_SENTENCE_WORDS:
        return sentence.rstrip(".") or sentence
    words = words[:_TITLE_WORDS]
    while len(words) > 1 and words[-1].casefold() in _TRAILING_SMALL_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:—–-") + "…"


def canonical_url(url: str) -> str:
    """The URL as an id key: scheme and host lowercased, no fragment, no trailing slash."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
