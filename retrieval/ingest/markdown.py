"""Markdown syntax to plain text, one line at a time, keeping heading levels for the splitter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.models import LIST_ITEM

# Spans are bounded ({1,300}) so a long line full of '*' or '[' cannot make matching quadratic.
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_H1 = re.compile(r" {0,3}=+[ \t]*")
_RULE_OR_FENCE = re.compile(r" {0,3}(?:(?:[-*_=][ \t]*){3,}|(?:`{3,}|~{3,}).*)")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]{1,300}\]:[ \t]+\S+.*")
_BLOCKQUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_LIST_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+(?=\S)")
_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\n]{0,500}\)")
_LINK = re.compile(r"\[([^\]\n]{1,300})\](?:\([^)\n]{0,500}\)|\[[^\]\n]{0,100}\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]{1,500})>")
_CODE = re.compile(r"`{1,3}([^`\n]{1,300})`{1,3}")
_STRONG = re.compile(r"(?<![\w*])(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1(?![\w*])")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])(.{1,300}?)(?<=[^\s*_])\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")
_BLOCK_STARTS = frozenset("#>-*+_=`~[")
_INLINE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("]", _IMAGE, ""),
    ("]", _LINK, r"\1"),
    ("<", _AUTOLINK, r"\1"),
    ("`", _CODE, r"\1"),
    ("~", _STRIKE, r"\1"),
    ("*", _STRONG, r"\2"),
    ("_", _STRONG, r"\2"),
    ("*", _EMPHASIS, r"\2"),
    ("_", _EMPHASIS, r"\2"),
)


@dataclass(frozen=True)
class MarkdownLine:
    text: str
    heading: int = 0
    """1-6 for a heading line, 0 otherwise."""


def strip_markdown(lines: list[str]) -> list[MarkdownLine]:
    """Each line as plain text: headings, emphasis, links, images, code, quotes and list markers
    become text ("[text](url)" -> "text", "- item" -> "• item"); rules and fences become blank.
    A "Title" line underlined with "===" becomes a level-1 heading."""
    out: list[MarkdownLine] = []
    for line in lines:
        if _SETEXT_H1.fullmatch(line) and out and out[-1].text and not out[-1].heading:
            out[-1] = MarkdownLine(out[-1].text, 1)
            out.append(MarkdownLine(""))
            continue
        out.append(_strip_line(line))
    return out


def _strip_line(line: str) -> MarkdownLine:
    level = 0
    if line.lstrip()[:1] in _BLOCK_STARTS:
        if _RULE_OR_FENCE.fullmatch(line) or _LINK_DEFINITION.fullmatch(line):
            return MarkdownLine("")
        heading = _HEADING.fullmatch(line)
        if heading:
            level, line = len(heading[1]), heading[2]
        line = _LIST_ITEM.sub(LIST_ITEM, _BLOCKQUOTE.sub("", line))
    # Each inline pattern only where its syntax character occurs: most lines have none.
    for char, pattern, replacement in _INLINE:
        if char in line:
            line = pattern.sub(replacement, line)
    return MarkdownLine(line, level)
