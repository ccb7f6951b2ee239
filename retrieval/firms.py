"""The firm an article is about, whom its "the company said" means."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.lexical import word_set
from retrieval.places import names_a_country
from retrieval.speaker_names import GOVERNMENTS

# What news copy calls a firm once it has named it: "German airline Lufthansa … the company
# said", "Computer giant IBM … the firm said". Any of them may refer back to a firm
# introduced by another ("consumer goods giant Unilever … the company also said").
FIRM_NOUNS = word_set(
    "company firm group giant carmaker automaker airline carrier bank lender insurer "
    "retailer supermarket chain manufacturer conglomerate broadcaster network publisher "
    "studio operator"
)
FIRM_NOUN = "|".join(sorted(FIRM_NOUNS, key=len, reverse=True))

# Words of a name on one line: "Marsh & McLennan", "Amazon.com"; not "Toyota.\n\nThe".
_FIRM_NAME = r"[A-Z][\w’'\-]*(?:\.[a-z]+)?(?:[ ]+(?:&[ ]+)?[A-Z][\w’'\-]*){0,3}"
# "copy protection firm Macrovision", "media group Reuters", "UK bank Barclays".
_DESCRIBED = re.compile(rf"\b(?:{FIRM_NOUN})\s+(?P<name>{_FIRM_NAME})")
# "Microsoft has unveiled …", "Electrolux saw its shares rise …": the lead's subject.
_LEAD_SUBJECT = re.compile(
    rf"^\W*(?P<name>{_FIRM_NAME})\s+"
    r"(?:has|have|had|is|are|was|were|will|saw|says|said|[a-z]+ed)\b"
)
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Firm:
    """A firm an article is about, and the article's first sentence, which names it."""

    name: str
    lead: str

    def fits(self, description: str) -> bool:
        """Whether "the DESCRIPTION" ("the US company", "the NBC network") can mean this
        firm: the names in it are in the first sentence too ("US-German carmaker
        DaimlerChrysler")."""
        return all(word in self.lead for word in description.split() if word[:1].isupper())


def article_firm(text: str, lead: str) -> Firm | None:
    """The firm `text` is about, named in its first sentence `lead`: the first one named
    with what it is ("German airline Lufthansa"), else the sentence's subject ("Microsoft
    has unveiled …") when that reads as a firm's name: no country, never written in lower
    case in the article ("Search sites want …"), and no person's. A firm first named
    further down shares the story with others ("… agreed with budget carrier Air India"),
    and "the company" may be any of them."""
    for match in _DESCRIBED.finditer(lead):
        name = _POSSESSIVE.sub("", match.group("name"))
        if _a_firm(name):
            return Firm(name, lead)
    subject = _LEAD_SUBJECT.match(lead)
    if subject is None:
        return None
    name = subject.group("name")
    if not _a_firm(name) or re.search(rf"\b{re.escape(name.lower())}\b", text):
        return None
    return None if _a_person(name, text) else Firm(name, lead)


def _a_person(name: str, text: str) -> bool:
    """Whether `text` treats `name` as a person's: "Tony Blair" is "Mr Blair" further down,
    where "Family Dollar" stays "Family Dollar"; a single name comes after a first name
    or a title ("Mr Shell"), where "The Microsoft Xbox" and "US Microsoft" name the firm."""
    if " " in name:
        surname = name.rsplit(" ", 1)[1]
        return len(re.findall(rf"\b{re.escape(surname)}\b", text)) > text.count(name)
    return any(
        _a_firm(before) for before in re.findall(rf"\b([A-Z][a-z]+)\s+{re.escape(name)}\b", text)
    )


def _a_firm(name: str) -> bool:
    """Whether a capitalised run can name a firm: not a country, a capital or "The"."""
    return not (names_a_country(name) or name in GOVERNMENTS or name.split()[0] in _NOT_NAMES)


# Capitalised words that open a sentence or a description without naming anything.
_NOT_NAMES = word_set(
    "The A An This That These Those Its Their His Her Our It He She They We I In On At "
    "For By But And Shares Sales Profits Prices Plans Talks"
)
