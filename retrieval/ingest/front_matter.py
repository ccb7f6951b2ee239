"""Markdown front matter (`---` / `key: value` / `---` at the top): the article's metadata."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from retrieval.ingest.raw import RawArticle

logger = logging.getLogger(__name__)

# The names static-site generators and note apps write, by the field they fill.
_FIELDS = {
    "title": ("title", "headline"),
    "published": ("date", "published", "published_at", "pubdate"),
    "source": ("source", "outlet", "publisher", "site"),
    "url": ("url", "link", "canonical_url", "canonical"),
    "author": ("author", "byline"),
}
_BLOCK = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ENTRY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The metadata a file opens with, by our field names, and the text after it. A file
    without front matter, or whose first block is not all `key: value` lines (a Markdown rule
    before prose), comes back whole."""
    block = _BLOCK.match(text)
    if block is None:
        return {}, text
    entries: dict[str, str] = {}
    for line in block.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            if line.startswith((" ", "\t", "-")):
                continue  # a list or nested value (tags, authors): not one we read
            return {}, text
        entries[entry.group(1).lower()] = entry.group(2).strip("\"'")
    found = {
        field: value
        for field, names in _FIELDS.items()
        if (value := next((entries[n] for n in names if entries.get(n)), None))
    }
    logger.debug("front matter: %s", sorted(found))
    return found, text[block.end() :]


def apply_front_matter(articles: list[RawArticle], meta: dict[str, str]) -> list[RawArticle]:
    """The file's metadata on what it holds: a title only where the text gives none, and a URL
    only for a file of one article (a URL names one page)."""
    if not meta or not articles:
        return articles
    shared = {
        "published": meta.get("published"),
        "source": meta.get("source"),
        "author": meta.get("author"),
    }
    filled = []
    for index, article in enumerate(articles):
        changes = {k: v for k, v in shared.items() if v and getattr(article, k) is None}
        if index == 0 and article.title is None and meta.get("title"):
            changes["title"] = meta["title"]
        if len(articles) == 1 and meta.get("url") and article.url is None:
            changes["url"] = meta["url"]
        filled.append(replace(article, **changes) if changes else article)
    return filled
