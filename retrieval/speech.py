"""Who said what: direct quotes and reported speech in an article, with their speakers."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.sentences import sentence_spans

logger = logging.getLogger(__name__)

_VERBS = (
    "said|says|say|told|tells|warned|warns|added|adds|noted|notes|declared|declares|insisted|"
    "insists|stated|states|argued|argues|claimed|claims|announced|announces|described|"
    "describes|explained|explains|asked|asks|replied|replies|urged|urges|stressed|stresses|"
    "reiterated|reiterates|vowed|vows|promised|promises|denounced|denounces|acknowledged|"
    "admitted|wrote|writes|thanked|thanks|called|calls|accused|accuses|suggested|suggests|"
    "confirmed|confirms|denied|denies|predicted|predicts|stated|stated|believes|believe|"
    "think|thinks|cautioned|emphasised|emphasized|recalled|commented|responded|mentioned"
)
_NAME_WORD = r"[A-Z][\w’'\-]*(?:\s+(?:de|van|von|bin|al|da|di|del|la|le))?"
_NAME = rf"(?:{_NAME_WORD})(?:\s+{_NAME_WORD}){{0,3}}"
_PRONOUN = r"(?:he|she|He|She)"
_SPEAKER = rf"(?P<who>{_NAME}|{_PRONOUN})"
# Where a description comes before the name ("said the Old Trafford boss", "from Hartpury,
# Gloucestershire, said"), only a first and last name without a possessive, ending the
# phrase, is a person.
_FULL_NAME = r"(?P<who>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){1,3})"
_NAME_ENDS = r"(?=\s*[,.;:!?]|\s+(?:who|of|from|at|in)\b|\s*$)"
_OPEN_QUOTES = '“"‘'

# Ordered: the first pattern that matches a sentence names its speaker.
_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # “...,” Putin said / “...,” he said / ”... said Edward Howell
        rf"[”\"’],?\s+{_SPEAKER}\s+(?:also\s+|then\s+)?(?:{_VERBS})\b",
        rf"[”\"’],?\s+(?:{_VERBS})\s+{_SPEAKER}",
        # ”... said report author Mary Madden (a full name: "said the Newport-based athlete"
        # names nobody)
        rf"[”\"’],?\s+(?:{_VERBS})\s+(?:[a-z]+\s+){{1,3}}{_FULL_NAME}{_NAME_ENDS}",
        # Stephen Sestanovich, senior fellow at the Council on Foreign Relations, noted
        rf"^{_SPEAKER},[^.“”\"]{{1,140}}?\s+(?:{_VERBS})\b",
        # Putin said / Putin also said / Putin strongly warned / He bluntly declared
        rf"^(?:[\w’',\s]{{0,40}},\s+)?{_SPEAKER}(?:,[^,]{{1,80}},)?\s+(?:\w+ly\s+|also\s+)?(?:{_VERBS})\b",
        rf"\baccording to\s+(?:\w+\s+){{0,4}}?{_SPEAKER}",
        # ... shadow chief secretary to the Treasury, George Osborne, said:
        rf",\s+{_FULL_NAME},\s+(?:\w+ly\s+)?(?:{_VERBS})\b",
        # “...,” David Kim, an analyst at Sejong Securities, told Reuters.
        rf"[”\"’],?\s+{_SPEAKER},[^,“”\"]{{1,80}},\s+(?:{_VERBS})\b",
        rf"\b{_SPEAKER}\s+(?:\w+ly\s+)?(?:{_VERBS})\b",
    )
)

_NOT_PEOPLE = frozenset(
    [
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "In",
        "On",
        "At",
        "For",
        "If",
        "When",
        "While",
        "As",
        "But",
        "And",
        "Asked",
        "Last",
        "Next",
        "According",
        "Despite",
        "After",
        "Before",
        "During",
        "Since",
        "Although",
        "Though",
        "However",
        "Meanwhile",
        "Officials",
        "Experts",
        "Critics",
        "Western",
        "Russia",
        "China",
        "Moscow",
        "Washington",
        "Seoul",
        "Beijing",
        "Kremlin",
        "Pyongyang",
        "Police",
        "Officers",
        "Government",
        "Ministry",
        "Court",
        "Reuters",
        "AP",
        "AFP",
        "Analysts",
        "Observers",
    ]
)
_TITLES = frozenset(
    [
        "President",
        "Prime",
        "Minister",
        "Leader",
        "Chancellor",
        "King",
        "Queen",
        "Pope",
        "Senator",
        "Sen",
        "Secretary",
        "General",
        "Gen",
        "Dr",
        "Mr",
        "Mrs",
        "Ms",
        "Sir",
        "Lord",
        "Lady",
        "Judge",
        "Justice",
        "Governor",
        "Gov",
        "Mayor",
        "Chief",
        "CEO",
        "Director",
        "Professor",
        "Prof",
        "Foreign",
        "Defense",
        "Defence",
        "State",
        "Premier",
        "Representative",
        "Rep",
        "Ambassador",
        "Commissioner",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Russian",
        "Chinese",
        "American",
        "British",
        "French",
        "Ukrainian",
        "Korean",
    ]
)
_POSSESSIVE = re.compile(r"[’']s$")


# A quote given to someone not named: “…,” said the Old Trafford boss.
_UNNAMED_SPEAKER = re.compile(rf"[”\"’],?\s+(?:{_VERBS})\s+(?:the|a|an|one|his|her|their)\b")


@dataclass(frozen=True)
class Statement:
    """A sentence that quotes or reports someone, with the resolved speaker's name."""

    speaker: str
    sentence: str
    start: int
    end: int
    direct: bool


def _is_quote(sentence: str) -> bool:
    return any(q in sentence for q in _OPEN_QUOTES) or sentence.startswith(("'", '"'))


def clean_name(raw: str) -> str:
    words = raw.split()
    while words and (
        words[0] in _NOT_PEOPLE or words[0] in _TITLES or _POSSESSIVE.search(words[0])
    ):
        words = words[1:]
    return _POSSESSIVE.sub("", " ".join(words)).strip()


class _NameBook:
    """Maps surnames to the full names seen so far, so 'Putin' resolves to 'Vladimir Putin'."""

    def __init__(self) -> None:
        self.full: dict[str, str] = {}

    def learn(self, name: str) -> str:
        parts = name.split()
        if len(parts) >= 2:
            # Family names come last in English names and first in Korean/Chinese ones.
            self.full[parts[-1]] = name
            self.full.setdefault(parts[0], name)
            return name
        return self.full.get(name, name)


@lru_cache(maxsize=512)
def statements(text: str) -> tuple[Statement, ...]:
    """Every quoting or reporting sentence in `text` with its speaker.

    "He said" and quote-only continuations resolve to the most recent named speaker, which is
    how news copy attributes a run of quotes.
    """
    book = _NameBook()
    last_speaker: str | None = None
    found: list[Statement] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        for raw in re.findall(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b", sentence):
            name = clean_name(raw)
            if len(name.split()) >= 2:
                book.learn(name)
        speaker = _speaker_of(sentence)
        direct = _is_quote(sentence)
        if speaker in {"he", "she", "He", "She"}:
            speaker = last_speaker
        elif speaker:
            speaker = book.learn(speaker)
        elif _UNNAMED_SPEAKER.search(sentence):
            last_speaker = None  # “…,” said the club's boss: someone else speaks now
        elif direct and sentence.lstrip().startswith(tuple(_OPEN_QUOTES)) and last_speaker:
            # A quote standing alone right after an attributed one continues it.
            speaker = last_speaker
        if speaker:
            last_speaker = speaker
            found.append(Statement(speaker, sentence, start, end, direct))
        elif re.match(r"^(?:He|She)\b", sentence) and last_speaker:
            last_speaker = last_speaker  # a pronoun subject keeps the current speaker
    return tuple(found)


def _speaker_of(sentence: str) -> str | None:
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            who = match.group("who")
            if who in {"he", "she", "He", "She"}:
                return who
            name = clean_name(who)
            if name and name.split()[0] not in _NOT_PEOPLE:
                return name
    return None


def speaker_matches(speaker: str, wanted: str) -> bool:
    """'Vladimir Putin' matches 'Putin', 'putin' and 'Vladimir Putin'."""
    have = {w.lower() for w in speaker.split()}
    want = [w.lower() for w in wanted.split() if w[:1].isupper() or len(wanted.split()) == 1]
    return bool(want) and all(w in have for w in want)
