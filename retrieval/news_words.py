"""Words that cover others in news copy: "Seoul" for South Korea, "resigned" for "stepped down"."""

from __future__ import annotations

from retrieval.lexical import terms

# News copy names a country by its capital or seat of power ("Seoul warned", "the Kremlin
# said"); a sentence using the metonym covers a question that names the country.
_METONYMS = {
    "seoul": "south korea",
    "pyongyang": "north korea",
    "moscow": "russia",
    "kremlin": "russia",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "beijing": "china",
    "washington": "united states us america",
    "whitehall": "uk britain",
    "london": "uk britain",
    "paris": "france",
    "berlin": "germany",
    "tokyo": "japan",
    "tehran": "iran",
    "jerusalem": "israel",
    "brussels": "eu european union",
    "ankara": "turkey",
    "riyadh": "saudi arabia",
    "delhi": "india",
    "islamabad": "pakistan",
    "kabul": "afghanistan",
}
# News reports one act in several words: a question's "stepped down" is the article's
# "resigned". Keys are stems (as `terms` gives them); a sentence with the key also covers
# the words. "step" alone does not mean "resign" ("a step forward"), so that pair is one-way.
_SAME_ACT = {
    "resign": "step quit",
    "quit": "resign",
    "marri": "wed",
    "wed": "married",
    "bought": "buy acquire purchase",
    "buy": "bought acquire purchase",
    "acquir": "buy bought purchase",
    "acquisit": "buy bought purchase acquire",
    "purchas": "buy bought acquire",
    "ban": "prohibit",
    "prohibit": "ban",
    "arrest": "detain",
    "detain": "arrest",
}
_ALSO_COVERS = {k: set(terms(v)) for k, v in (_METONYMS | _SAME_ACT).items()}


def sentence_terms(text: str) -> set[str]:
    """The terms of `text` plus those its words stand for, so a sentence saying "the
    Kremlin" covers a question naming Russia."""
    found = set(terms(text))
    for word in list(found):
        found |= _ALSO_COVERS.get(word, set())
    return found
