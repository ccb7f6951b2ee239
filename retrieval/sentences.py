"""Sentence boundaries with character offsets, tuned for news prose and its quotations."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Tokens that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "cpl",
        "pte",
        "maj",
        "brig",
        "fr",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "inc",
        "ltd",
        "co",
        "corp",
        "plc",
        "llc",
        "bros",
        "dept",
        "univ",
        "assn",
        "est",
        "approx",
        "vs",
        "etc",
        "al",
        "fig",
        "vol",
        "ch",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "a.m",
        "p.m",
    ]
)

# Abbreviations only before a number.
_NUMBER_SIGNS = frozenset(["no", "nos"])

# A boundary candidate: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can open a sentence (capital, digit, opening quote or bracket, bullet).
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[•\-–—]?[A-Z0-9])""")
_LINE = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.*$")


def _is_abbreviation(text: str, dot_at: int) -> bool:
    if text[dot_at] != ".":
        return False
    match = _WORD_BEFORE.search(text, 0, dot_at + 1)
    if not match:
        return False
    raw = match.group(1).rstrip(".")
    word = raw.lower()
    # Single capital initials ("John F. Kennedy") never end sentences in news copy. A lone
    # letter ending a longer token does: "$375m." and "Alzheimer's." end their sentences.
    standalone = match.start() == 0 or text[match.start() - 1] in " \t(\"“'‘"
    initial = len(raw) == 1 and raw.isupper() and standalone
    if word in _NUMBER_SIGNS:
        # "No. 10" and "Nos. 3 and 4" go on; "He said no. Then …" ends.
        return text[dot_at + 1 : dot_at + 3].strip()[:1].isdigit()
    return word in _ABBREVIATIONS or initial


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every sentence; line breaks always end a sentence.

    Spans are stripped of surrounding whitespace and never overlap, so
    `text[start:end]` is exactly one sentence.
    """
    for line in _LINE.finditer(text):
        line_start = line.start()
        segment = line.group()
        cursor = 0
        for boundary in _BOUNDARY.finditer(segment):
            end = boundary.end()
            if _is_abbreviation(segment, boundary.start()):
                continue
            yield from _strip_span(segment, cursor, end, line_start)
            cursor = end
        yield from _strip_span(segment, cursor, len(segment), line_start)


def _strip_span(segment: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    piece = segment[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    begin = offset + start + lead
    yield begin, begin + len(stripped)


def split_sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]
