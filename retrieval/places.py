"""Place names by kind (countries, US states, continents, planets): what "which country"
and "which state" ask for, since news copy rarely writes "the country of Italy"."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

from retrieval.speaker_names import DEMONYMS

# CLDR's display names are not always the ones news copy uses ("Türkiye", "Czechia").
_NEWS_NAMES = (
    "Turkey",
    "Czech Republic",
    "Ivory Coast",
    "Burma",
    "East Timor",
    "Swaziland",
    "Palestine",
    "Vatican",
    "Democratic Republic of Congo",
    "Britain",
    "Great Britain",
    "UK",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "US",
    "USA",
    "America",
    "Korea",
)
# Groupings and placeholders among CLDR's territories, which no one calls a country.
_NOT_COUNTRIES = frozenset(
    {"European Union", "Eurozone", "United Nations", "Unknown Region", "Outlying Oceania"}
)
# "Bosnia & Herzegovina" is "Bosnia" as often; "Heard & McDonald Islands" is never "Heard"
# (Amber Heard is), nor "Wallis & Futuna" "Wallis".
_NOT_ALONE = frozenset({"Heard", "Wallis"})

# "Washington" alone is the US government or its capital ("concerns in Washington and
# Seoul", "Washington, DC"); the state is "Washington state".
_US_STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida "
    "Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland "
    "Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada "
    "New_Hampshire New_Jersey New_Mexico New_York North_Carolina North_Dakota Ohio Oklahoma "
    "Oregon Pennsylvania Rhode_Island South_Carolina South_Dakota Tennessee Texas Utah "
    "Vermont Virginia Washington_state Washington_State West_Virginia Wisconsin Wyoming"
)
_CONTINENTS = "Africa Antarctica Asia Australia Europe North_America South_America Oceania"
_PLANETS = "Mercury Venus Earth Mars Jupiter Saturn Uranus Neptune Pluto"

_KINDS = {
    "country": "country",
    "countries": "country",
    "nation": "country",
    "nations": "country",
    "state": "state",
    "states": "state",
    "continent": "continent",
    "continents": "continent",
    "planet": "planet",
    "planets": "planet",
}


def _countries() -> frozenset[str]:
    names: set[str] = set(_NEWS_NAMES)
    for code, name in Locale("en").territories.items():
        # Numeric codes are regions ("Southern Europe"); "ZZ"-like codes cover pseudo-locales.
        if not (len(code) == 2 and code.isalpha()) or name in _NOT_COUNTRIES:
            continue
        if name.startswith("Pseudo-"):
            continue
        # "Myanmar (Burma)", "Congo - Kinshasa", "Hong Kong SAR China": the name before
        # the qualifier is how a sentence says it; "&" is written "and" as often.
        name = re.split(r" \(| - | SAR ", name)[0]
        names.add(name)
        if "&" in name:
            names.add(name.replace("&", "and"))
            if (first := name.split(" &")[0]) not in _NOT_ALONE:
                names.add(first)
        if name.startswith("St. "):
            names.add("Saint " + name[4:])
            names.add("St " + name[4:])
    return frozenset(names)


@lru_cache(maxsize=8)
def _pattern(kind: str) -> re.Pattern[str]:
    if kind == "country":
        names: frozenset[str] | set[str] = _countries()
    else:
        listed = {"state": _US_STATES, "continent": _CONTINENTS, "planet": _PLANETS}[kind]
        names = {name.replace("_", " ") for name in listed.split()}
    # Longest first, so "South Korea" is read whole rather than as "Korea".
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # "New Mexico" and "New Jersey" are states, not Mexico or Jersey.
    return re.compile(rf"(?<![\w-])(?<!New )(?:{alternatives})(?![\w-])")


# A country's people and its short forms, beside the demonyms that double as surnames.
_PEOPLES = (
    "US USA UK EU UN America Britain British English French Spanish Dutch Scottish Welsh "
    "Irish Swedish Danish Finnish Thai Afghan Saudi Arab Filipino Vietnamese Indonesian "
    "Taiwanese Asian African Latin"
)
_COUNTRY_WORDS = DEMONYMS | frozenset(_PEOPLES.split())


def names_a_country(name: str) -> bool:
    """Whether `name` ("Japanese", "South Korea's", "US") is a country or its people: a
    word most news on the country uses, so it tells little about which story it is."""
    name = re.sub(r"['’]s?$", "", name.strip())
    return name in _COUNTRY_WORDS or _pattern("country").fullmatch(name) is not None


def place_kind(noun: str) -> str | None:
    """The kind of place a "which NOUN" question asks for, if it is one we can list."""
    return _KINDS.get(noun.lower())


def names_place(kind: str, asked: str, text: str) -> bool:
    """Whether `text` names a place of `kind` that the question (`asked`, lower case) does
    not: "Italy's prime minister resigned" for "the prime minister of which nation"."""
    for match in _pattern(kind).finditer(text):
        if not re.search(rf"(?<!\w){re.escape(match.group().lower())}(?!\w)", asked):
            return True
    return False
