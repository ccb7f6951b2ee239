"""Who speaks for a body or a country: "Kremlin spokesman Dmitry Peskov" for the Kremlin."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache

from retrieval.lexical import word_set
from retrieval.places import names_a_country
from retrieval.speaker_names import names_a_body

logger = logging.getLogger(__name__)

# The words of a title between a body and its speaker's name: "White House press secretary
# Jen Psaki", "US secretary of state Antony Blinken", "Russian President Vladimir Putin".
# Other words there ("criticised the Kremlin over Dmitry Peskov's …") mean the name is not
# introduced as the body's.
_TITLE_WORDS = word_set(
    "president vice prime minister ministry press secretary spokesman spokeswoman spokesperson "
    "of for state foreign defence defense finance trade health treasury interior home energy "
    "director chief deputy ambassador envoy official officials leader chancellor head general "
    "attorney senior top national security adviser advisor coordinator commissioner governor "
    "mayor acting communications department member parliament mp lawmaker military army navy "
    "armed forces air force chair chairman chairwoman board administrator"
)
# A title after the name, up to a stop or a preposition: "Sergei Lavrov, Russia's foreign
# minister,", "Zhang Jun, the Chinese ambassador to the United Nations".
_TITLE_AFTER = r"(?P<title>(?:[A-Za-z.]+\s+){0,3}?[A-Za-z.]+)(?=\s*[,.;]|\s+(?:to|of|for|at)\b)"
# The adjective a title uses for a country ("Russian President", "British Prime Minister"),
# or the other name of a body ("Fed Chair", "Federal Reserve Chair").
_ADJECTIVES = {
    "russia": ("Russian",),
    "ukraine": ("Ukrainian",),
    "us": ("U.S.", "American"),
    "united states": ("US", "U.S.", "American"),
    "america": ("US", "U.S.", "American"),
    "uk": ("British", "Britain's"),
    "britain": ("British", "UK"),
    "united kingdom": ("UK", "British"),
    "china": ("Chinese",),
    "israel": ("Israeli",),
    "iran": ("Iranian",),
    "france": ("French",),
    "germany": ("German",),
    "japan": ("Japanese",),
    "india": ("Indian",),
    "north korea": ("North Korean",),
    "south korea": ("South Korean",),
    "turkey": ("Turkish",),
    "poland": ("Polish",),
    "canada": ("Canadian",),
    "australia": ("Australian",),
    "mexico": ("Mexican",),
    "italy": ("Italian",),
    "spain": ("Spanish",),
    "taiwan": ("Taiwanese",),
    "saudi arabia": ("Saudi",),
    "eu": ("European",),
    # Bodies better known by a short name.
    "fed": ("Federal Reserve",),
    "federal reserve": ("Fed",),
}


_THE = re.compile(r"^the\s+", re.IGNORECASE)


def without_the(name: str) -> str:
    """ "the Kremlin" -> "Kremlin": a body's name as a title or a quote book writes it."""
    return _THE.sub("", name.strip())


def speaks_for(text: str, speaker: str, body: str) -> bool:
    """Whether `text` introduces `speaker` with a title under `body`, so that their words
    are the body's: "Kremlin spokesman Dmitry Peskov" for "the Kremlin", "White House press
    secretary Jen Psaki" for "the White House", "Russian President Vladimir Putin" for
    "Russia". Only for a body or a country: a person's spokesman is not that person."""
    forms = _forms(body)
    return bool(forms) and _introduced(text, speaker, forms)


@lru_cache(maxsize=256)
def _forms(body: str) -> tuple[str, ...]:
    """How a title may write `body`; none when `body` is not a body or a country."""
    plain = without_the(body)
    institution = plain != body.strip() and plain[:1].isupper()  # "the Kremlin"
    if not plain or not (institution or names_a_body(plain) or names_a_country(plain)):
        return ()
    return (plain, *_ADJECTIVES.get(plain.lower(), ()))


# Keyed by article text, as `speech.statements` is: as many entries as it keeps.
@lru_cache(maxsize=512)
def _introduced(text: str, speaker: str, forms: tuple[str, ...]) -> bool:
    names = "|".join(re.escape(form) for form in forms)
    # A speaker known by surname ("Peskov said") was introduced with a first name.
    first_name = r"(?:[A-Z][\w\-]+\s+)?" if len(speaker.split()) == 1 else ""
    before = re.compile(
        rf"(?<![\w.-])(?:the\s+)?(?:{names})(?:['’]s)?\s+((?:[A-Za-z.]+\s+){{1,5}}?)"
        rf"{first_name}{re.escape(speaker)}(?![\w-])"
    )
    after = re.compile(
        rf"(?<![\w-]){first_name}{re.escape(speaker)},\s+(?:the\s+)?(?:{names})(?:['’]s)?\s+"
        + _TITLE_AFTER
    )
    return any(
        _all_title_words(found.group(1))
        for pattern in (before, after)
        for found in pattern.finditer(text)
    )


def _all_title_words(words: str) -> bool:
    return all(word.lower() in _TITLE_WORDS for word in words.split())


# Each adjective or other name a title may use, with the names a question may ask by:
# "Russian President Vladimir Putin" answers "What did Russia say?".
_ASKED_AS: dict[str, frozenset[str]] = {
    form.lower(): frozenset(asked for asked, forms in _ADJECTIVES.items() if form in forms)
    for titled in _ADJECTIVES.values()
    for form in titled
}
# A word of a body's name ("Kremlin", "White", "U.S."), its "'s" taken off.
_BODY_WORD = re.compile(r"^(?:[A-Z][\w.\-]*|U\.S\.)$")
_POSSESSIVE = re.compile(r"['’]s$")
_WORD_CHAR = re.compile(r"[\w-]")
_FIRST_NAME = re.compile(r"(?<![\w-])[A-Z][\w\-]+\s+$")
_AFTER_NAME = re.compile(
    r",\s+(?:the\s+)?(?P<body>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2}?)(?:['’]s)?\s+" + _TITLE_AFTER
)


def bodies_introducing(text: str, speaker: str) -> frozenset[str]:
    """The bodies and countries `text` introduces `speaker` under, lower-cased as a
    question names them: {"kremlin"} for "Kremlin spokesman Dmitry Peskov", {"russia"} for
    "Russian President Vladimir Putin" or "Sergei Lavrov, Russia's foreign minister,"."""
    return _bodies(text, speaker)


@lru_cache(maxsize=512)
def _bodies(text: str, speaker: str) -> frozenset[str]:
    surname_only = len(speaker.split()) == 1
    found: set[str] = set()
    # The name found as plain text, a first name before it looked for after: a pattern
    # that starts with a look-behind or an optional first name is tried at every character
    # of the article, which doubled the time to build the quote book.
    for start, end in _whole_word_at(text, speaker):
        if surname_only and (first := _FIRST_NAME.search(text, max(0, start - 60), start)):
            start = first.start()  # "Dmitry Peskov" for a speaker known as "Peskov"
        words = text[max(0, start - 120) : start].split()
        titled = 0
        while titled < min(5, len(words)) and words[-1 - titled].lower() in _TITLE_WORDS:
            titled += 1
        if titled:
            found |= _asked_as(words[: len(words) - titled])
        after = _AFTER_NAME.match(text, end)
        if after and _all_title_words(after.group("title")):
            found |= _asked_as(after.group("body").split(), institution=True)
    return frozenset(found)


def _whole_word_at(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where `name` stands in `text` as whole words, as `(?<![\\w-])name(?![\\w-])` finds it."""
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if not (at and _WORD_CHAR.match(text, at - 1)) and not _WORD_CHAR.match(text, end):
            yield at, end
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)


def _asked_as(before: list[str], institution: bool = False) -> set[str]:
    """The names a question may ask a body by, from the words just before a title: the
    longest run of up to three capitalised words that names a body or a country."""
    for size in (3, 2, 1):
        run = before[-size:]
        if len(run) < size or not all(_BODY_WORD.match(_POSSESSIVE.sub("", w)) for w in run):
            continue
        name = _POSSESSIVE.sub("", " ".join(run))
        the = institution or (len(before) > size and before[-size - 1].lower() == "the")
        asked = _ASKED_AS.get(name.lower())
        if asked:
            return {*asked, name.lower()}
        if _forms(f"the {name}" if the else name):
            return {name.lower()}
    return set()
