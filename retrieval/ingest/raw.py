"""`RawArticle`: what a format parser found, before cleaning and id assignment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawArticle:
    body: str
    title: str | None = None
    published: object = None
    """As the input spelled it (text, number, date); normalized when the article is built."""
    url: str | None = None
    source: str | None = None
    author: str | None = None
    source_hint: str | None = None
    """The outlet a page-template signature suggests; used only when nothing better names one."""
