"""Which pronoun each named person takes, learnt from the article that names them."""

from __future__ import annotations

import re
from collections.abc import Callable

_MALE_TITLES = frozenset(["Mr", "Sir", "Lord", "King", "Prince"])
_FEMALE_TITLES = frozenset(["Mrs", "Ms", "Miss", "Lady", "Dame", "Baroness", "Queen", "Princess"])
# Only what surely speaks of the person named: a possessive elsewhere in the sentence may be
# anyone's ("Aston Moore said her rehabilitation", of the athlete he coaches).
_MALE_NOUNS = "brother|son|father|husband|uncle|nephew|grandfather|boyfriend|actor|businessman"
_FEMALE_NOUNS = (
    "sister|daughter|mother|wife|aunt|niece|grandmother|girlfriend|actress|businesswoman"
)
_NAME = r"[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*"
# "Murton, who filmed her encounter": a clause about the person, up to its comma.
_CLAUSE = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:who|whose)\b[^,;:“”\"]*?"
    rf"\b(?P<word>he|his|him|himself|she|her|herself)\b"
)
# "her brother Islan", "actress Jerry Hall"
_FAMILY = re.compile(rf"\b(?P<word>{_MALE_NOUNS}|{_FEMALE_NOUNS}),?\s+(?P<name>{_NAME})")
_MALE = frozenset(["he", "his", "him", "himself", *_MALE_NOUNS.split("|")])
_PRONOUN_GENDER = {"he": "m", "He": "m", "she": "f", "She": "f"}


class Genders:
    """A named person's gender, as the article shows it: by an honorific ("Mrs Kelly"), a
    family word ("her brother Islan") or a clause about them ("Murton, who filmed her
    encounter"). Only a person never shown as the other counts as known, so that a wrong
    guess stays rare."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}

    def learn_titles(self, raw_name: str, name: str, in_full: Callable[[str], str]) -> None:
        """From a capitalised run such as "Mrs Tessa Jowell" naming `name`; `in_full` gives
        the full name the article gave for it."""
        words = set(raw_name.split())
        male, female = bool(words & _MALE_TITLES), bool(words & _FEMALE_TITLES)
        if male or female:  # most runs hold no title: no need to look the name up
            full = in_full(name)
            if male:
                self._note(full, "m")
            if female:
                self._note(full, "f")

    def learn_words(self, sentence: str, in_full: Callable[[str], str]) -> None:
        """From words that can only mean the person they stand by ("Murton, who filmed her
        encounter", "her brother Islan"); `in_full` gives the full name for a surname."""
        # The clause is looked for only where one opens: tried at every capital, it added 7%
        # to the extraction time over the BBC corpus.
        for pattern in (_CLAUSE, _FAMILY) if ", who" in sentence else (_FAMILY,):
            for match in pattern.finditer(sentence):
                self._note(in_full(match["name"]), "m" if match["word"] in _MALE else "f")

    def allows(self, name: str, pronoun: str) -> bool:
        """Whether "he" or "she" can mean `name` (in full, if the article gave it): yes
        unless the article shows otherwise."""
        # Known by surname alone before the full name was seen: "Mr Blair", then "Tony
        # Blair". Not the other way round: "her husband, Jimmy Dunn" is not Cindy Dunn.
        seen = self._seen.get(name, set()) | self._seen.get(name.split()[-1], set())
        return len(seen) != 1 or _PRONOUN_GENDER[pronoun] in seen

    def _note(self, name: str, gender: str) -> None:
        self._seen.setdefault(name, set()).add(gender)
