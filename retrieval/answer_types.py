"""What a sentence holds that a kind of question asks for: a person, a date, a place, a
quantity of the asked unit, a name for "which X"; and what can never be an answer."""

from __future__ import annotations

import calendar
import re

from retrieval.lexical import word_set
from retrieval.places import names_place, place_kind
from retrieval.speaker_names import clean_name

_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|"
    r"thousand|million|billion)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:\d{4}|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|"
    r"today|last (?:week|month|year)|this (?:week|month|year))\b"
)


# Capitalised runs ending in these are places and institutions, not people.
_NOT_PERSON_TAIL = word_set(
    "court courts mosque church council ministry university party street road square "
    "agency office house committee parliament assembly union nations republic league "
    "army police service services news times post journal magistrates bank group "
    "guardian center centre institute foundation company corporation commission station "
    "airport province state city county district region island islands sea ocean river"
)


_PLACE = re.compile(
    r"\b(?:in|at|near|outside|from|off)\s+(?:the\s+(?:city|town|village|province|region|"
    r"county|state|country)\s+of\s+)?[A-Z][a-z]"
)


_COUNT = (
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens?|hundreds?|thousands?|millions?)"
)
_DURATION = re.compile(
    rf"\b{_COUNT}[\s-]+(?:\w+\s+)?"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b",
    re.I,
)


_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[$£€]\s?\d|\b\d[\d,.]*\s*(?:million|billion|thousand)?\s*(?:dollars|pounds|euros)\b",
    re.IGNORECASE,
)


def has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


def has_date(text: str) -> bool:
    return bool(_DATE.search(text))


def has_place(text: str) -> bool:
    """ "in Kabul", "off the coast of ..." : where something happened."""
    return bool(_PLACE.search(text))


def has_quantity(text: str, unit: str) -> bool:
    """A number of the unit the question asks for: "how long" wants "18 months", "how many
    counts" wants "four counts", "how many baby swings" wants "2 million MamaRoo swings"."""
    if unit == "duration":
        return bool(_DURATION.search(text))
    if unit == "percent":
        return bool(_PERCENT.search(text))
    if unit == "money":
        return bool(_MONEY.search(text))
    stems = "|".join(re.escape(word.rstrip("s")[:6]) for word in unit.split())
    return bool(re.search(rf"\b{_COUNT}[\s-]+(?:[\w’'\-]+\s+){{0,2}}(?:{stems})", text, re.I))


_PROPER = re.compile(r"\b[A-Z][\w’'\-]+")


_DETERMINERS = word_set(
    "the a an this that these those its their his her our every each some any all no one "
    "another other"
)


def names_the(noun: str, asked: str, text: str) -> bool:
    """Whether `text` names the thing asked for: "the town of Villeneuve" or "the Villeneuve
    court" for "which town/court", with a name the question does not already hold."""
    wanted = rf"(?i:{re.escape(noun)})s?"
    for match in re.finditer(
        # The second form looks ahead, so "The Kroger company" is also tried from "Kroger".
        rf"\b{wanted}\s+of\s+([A-Z][\w’'\-]+)"
        rf"|\b([A-Z][\w’'\-]+)(?=\s+(?:[\w’'\-]+\s+)?{wanted}\b)",
        text,
    ):
        name = (match.group(1) or match.group(2)).lower()
        if name not in _DETERMINERS and name not in asked and not is_demonym(name):
            return True
    return False


def names_a_place(noun: str | None, asked: str, text: str) -> bool:
    """For "which country / state / continent / planet", whether `text` names one the
    question does not ("Italy's prime minister resigned")."""
    kind = place_kind(noun) if noun else None
    return kind is not None and names_place(kind, asked, text)


def is_demonym(word: str) -> bool:
    """ "South Korean show", "British company": a nationality describes, it does not name."""
    return word in _DEMONYMS or (len(word) > 4 and word.endswith(("ean", "ian", "ese", "ish")))


_DEMONYMS = word_set(
    "american african korean german mexican russian cuban french dutch greek swiss thai "
    "south north east west"
)


_CALENDAR = frozenset(name.lower() for name in (*calendar.month_name, *calendar.day_name) if name)


def new_proper(asked: str, text: str) -> bool:
    """A capitalised word after the first that the question does not already contain (a
    weekday or month names nothing)."""
    return any(
        w.lower() not in asked and w.lower() not in _CALENDAR for w in _PROPER.findall(text[1:])
    )


# A question, a quiz prompt or a multiple-choice option ("A. Game of Thrones") restates
# what is asked and answers nothing; a newsletter plug left in a page ("Get CNN Health's
# weekly newsletter Sign up here …") answers nothing either.
_NOT_AN_ANSWER = re.compile(
    r"\?\W*$|(?i:\bquiz\b)|^\s*[A-D][.)]\s"
    r"|(?i:\bsign up (?:here|now)\b|\bsubscribe (?:here|now)\b|\b(?:weekly|daily) newsletter\b)"
)


def not_an_answer(text: str) -> bool:
    return bool(_NOT_AN_ANSWER.search(text))


_SENTENCE_END = re.compile(r"[.!…:;]['\"’”)\]]*\s*$|['\"’”]\s*$")


def is_subheading(text: str) -> bool:
    """ "A landmark pact", "LEAD ACTOR, LIMITED SERIES/TV MOVIE": a few words or a line in
    capitals, without closing punctuation, head a section; quoted alone, they read as a
    stray fragment."""
    return (len(text.split()) < 5 or text.isupper()) and not _SENTENCE_END.search(text)


# Runs of capitalised words ("Joe Biden", "Leyton Orient"), words with a capital past their
# first letter ("iPhone"), and years: what a question names rather than asks. Other numbers
# ("0-1", "20-for-1") are written too many ways to be looked up.
_NAMED = re.compile(
    r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*|\b[a-z]+[A-Z][\w’'\-]*|\b(?:1[89]|20)\d\d\b"
)
_SENTENCE_START = re.compile(r"(?:^|[.?!])\s*$")


def names_in(question: str) -> list[str]:
    """The names and years a question mentions: "Which company bought Twitter in 2022?"
    -> ["Twitter", "2022"]. A single capitalised word opening a sentence is not a name."""
    names = []
    for match in _NAMED.finditer(question):
        name = match.group()
        if " " not in name and _SENTENCE_START.search(question[: match.start()]):
            continue
        names.append(name)
    return list(dict.fromkeys(names))


def names_new_person(asked: str, text: str) -> bool:
    """Whether `text` names a person (two capitalised words) the question (`asked`, lower
    case) does not."""
    for raw in _NAME.findall(text):
        name = clean_name(raw)
        words = name.split()
        if len(words) < 2 or words[-1].lower() in _NOT_PERSON_TAIL:
            continue
        if words[0].lower() not in asked:
            return True
    return False
