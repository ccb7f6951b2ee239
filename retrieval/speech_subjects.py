"""Whom "he" or "she" means: the person a sentence without speech is about."""

from __future__ import annotations

import re

from retrieval.speaker_names import (
    BODIES,
    DEMONYMS,
    NAME,
    NATIONALS,
    TITLES,
    NameBook,
    clean_name,
    opens_with_a_phrase,
)

# "Mutu was sacked by Chelsea": the one acted on is not who speaks next.
_PASSIVE = re.compile(r"\s+(?:was|were|is|are|has\s+been|had\s+been)\s+\w+(?:ed|en)\s+by\b")
# Words in the names of firms, parties, papers and products, which a surname may have been
# learnt from, but which "he said" never means.
_ORGANISATION_WORDS = frozenset(
    [
        "Labour",
        "Party",
        "Research",
        "Group",
        "Systems",
        "Microsystems",
        "Software",
        "Records",
        "Music",
        "Games",
        "Motors",
        "Airlines",
        "Mac",
        "Zen",
        "Apple",
        "Daily",
        "Mirror",
        "Times",
        "Post",
        "News",
        "Championships",
        "Cup",
        "League",
        "United",
        "City",
        "Inc",
        "Ltd",
        "Plc",
        "Corp",
        "Holdings",
        "International",
        "Europe",
    ]
)
# Words a predicate opens with after its subject ("Mr Lewis branded", "Williams was also",
# "Blair met"), as alternatives to put in a group.
PREDICATE_OPENERS = (
    r"has|had|was|is|will|would|could|also|won|lost|beat|broke|took|made|came|went|got|"
    r"gave|led|left|saw|felt|kept|became|began|held|met|paid|sold|spent|sent|built|[a-z]+ed"
)
# A sentence that opens with its subject: "But Mr Lewis branded ...", "Williams was also".
_SUBJECT = re.compile(
    rf"\s*(?:(?:But|And|However|Meanwhile|Still|Yet),?\s+)?(?P<who>{NAME})\s+"
    rf"(?:{PREDICATE_OPENERS}|[a-z]+s)\b"
)


def still_quoting(sentence: str, was: bool) -> bool:
    """Whether a quote is open at the end of `sentence`: news copy runs one quote over
    several sentences, and a name inside it ("But Frank Arnesen was a very creative player")
    is the speaker's subject, not the article's."""
    body = sentence.lstrip()
    straight = body.count('"')
    if not straight:
        opened, closed = body.rfind("“"), body.rfind("”")
        return was if opened == closed else opened > closed  # equal: both -1
    if "“" in body or "”" in body:
        return was  # mixed marks: rare, and not worth guessing
    if body.startswith('"'):
        # A paragraph of a long quote opens again without the last one closing.
        return straight % 2 == 1
    return was != (straight % 2 == 1)


def named_subject(sentence: str, book: NameBook) -> str | None:
    """The person a sentence without speech opens with, where it is surely a person: named
    with a title ("Ms Kelly", "Prof Etzioni") or by a surname the article gave in full before
    ("Williams" after "Serena Williams")."""
    match = _SUBJECT.match(sentence)
    if match is None or sentence.rstrip().endswith("?"):
        return None
    raw = match.group("who")
    if opens_with_a_phrase(raw) or _PASSIVE.match(sentence, match.end("who")):
        return None
    name = clean_name(raw)
    if not name or name in NATIONALS or name in DEMONYMS:
        return None
    titled = bool(TITLES.intersection(raw.split()[: -len(name.split())]))
    full = book.full.get(name, name) if len(name.split()) == 1 else name
    if BODIES.intersection(full.split()) or _ORGANISATION_WORDS.intersection(full.split()):
        return None  # "Labour" from "New Labour", "Mac" from "Apple Mac"
    return full if titled or full != name else None
