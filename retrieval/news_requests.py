"""Questions about what the news itself reports: "What do the articles say about Ukraine?",
"Did anyone mention Khrushchev?", "What did the FT write about the pact?"."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.lexical import word_set

# Who may stand for the indexed news as a whole. Read as a speaker, "the articles" has no
# words on record and "articles" is in no sentence, so the question was declined.
_THE_NEWS = (
    r"(?:the|these|those|your|any|my|our)\s+(?:news\s+)?"
    r"(?:articles?|news|reports?|reporting|stories|story|papers?|newspapers?|press|media|"
    r"coverage|sources?|outlets?|headlines?|index)"
    r"|news|articles|reports|anyone|anybody|any\s*one|you"
)
_ABOUT = r"(?:about|on|regarding|concerning|of)"
_REPORTING = (
    rf"(?:(?:say|said|saying|report|reported|reporting|write|wrote|written|writing|"
    rf"tell\s+(?:me|us)|told\s+(?:me|us)|know|have|got)\s+{_ABOUT}"
    rf"|(?:cover|covered|covering|mention|mentioned)(?:\s+{_ABOUT})?)"
)
_ASKED = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:"
    # What do the articles say about Ukraine? / What did the FT write about the pact?
    rf"(?:what|how)\s+(?:do|does|did|have|has|had|is|are|was|were|can|could|will|would)\s+"
    rf"(?P<who>.+?)\s+{_REPORTING}\s+"
    # Did anyone mention nuclear weapons? / Does the FT cover Seoul? / Has anyone written
    # about the pact?
    rf"|(?:did|does|do|has|have|had)\s+(?P<mentioner>.+?)\s+"
    rf"(?:mention|mentioned|cover|covered|discuss|discussed|report\s+on|reported\s+on|"
    rf"say\s+anything\s+{_ABOUT}|said\s+anything\s+{_ABOUT}|write\s+{_ABOUT}|"
    rf"written\s+{_ABOUT}|wrote\s+{_ABOUT}|talk\s+{_ABOUT}|talked\s+{_ABOUT})\s+"
    # Is there anything about South Korea? / Are there any reports on the pact?
    r"|(?:is|are|was|were)\s+there\s+(?:any(?:thing)?|something|news|articles?|reports?|"
    r"stories)(?:\s+(?:news|articles?|reports?|stories|coverage))?\s+"
    r"(?:about|on|regarding|concerning|mentioning|that\s+mentions?)\s+"
    r")(?P<subject>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Is China mentioned anywhere? / Was the pact mentioned in the articles?
_MENTIONED = re.compile(
    r"^\s*(?:is|are|was|were|has|have)\s+(?:been\s+)?(?P<subject>.+?)\s+"
    r"(?:been\s+)?mentioned(?:\s+(?:anywhere|at\s+all|in\s+(?:the|any)\s+\w+))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Summarize the article about the rats / Tell me about the story on the pact
_THE_ARTICLE_ON = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum\s+up|tell\s+(?:me|us)\s+about|show\s+me|"
    r"give\s+me|what\s+is|what's|whats)\s+(?:the|that|this|an?)\s+(?:news\s+)?"
    rf"(?:article|story|report|piece)\s+{_ABOUT}\s+(?P<subject>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# What's the FT's take on the pact?
_TAKE = re.compile(
    r"^\s*(?:what\s+is|what's|whats)\s+(?P<who>.+?)['’]s?\s+(?:take|view|line|angle|verdict|"
    rf"coverage|reporting)\s+{_ABOUT}\s+(?P<subject>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# According to the FT, what did Putin say? / What did Putin say, according to the FT?
_ACCORDING_FIRST = re.compile(
    r"^\s*according\s+to\s+(?P<who>[^,]+?)\s*,\s*(?P<asked>.+?)\s*$", re.IGNORECASE
)
_ACCORDING_LAST = re.compile(
    r"^\s*(?P<asked>.+?)\s*,?\s+according\s+to\s+(?P<who>[^,]+?)\s*(?P<end>[?.!]*)\s*$",
    re.IGNORECASE,
)
# Follow-ups: "And about Seoul?" changes the subject; "What about the BBC?" or "And Arab
# News?" may change either side.
_AND_ABOUT = re.compile(
    r"^\s*(?:and|so|ok(?:ay)?,?)\s+(?:about|on|regarding|concerning)\s+"
    r"(?P<other>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WHAT_ABOUT = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|how)\s+about\s+(?:(?:from|in)\s+)?"
    r"(?P<other>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_AND_NAME = re.compile(r"^\s*and\s+(?:(?:from|in)\s+)?(?P<other>.+?)\s*[?.!]*\s*$", re.IGNORECASE)
# "What about it?" points back at the previous question's subject rather than a new one.
_BACK = word_set("it that this him her them those these")
# "And on Monday?" changes when, not what: the timeframe reads it.
_WHEN = word_set(
    " ".join([*calendar.day_name, *calendar.month_name]).lower()
    + " today yesterday tomorrow this last next"
)
_NAME = re.compile(r"^(?:the\s+)?[A-Z][\w&.'’\-]*(?:\s+(?:of\s+)?[A-Z][\w&.'’\-]*){0,4}$")
_THE_NEWS_ALONE = re.compile(rf"^(?:{_THE_NEWS})$", re.IGNORECASE)

# A name ending in one of these is a publication, not a person: "the New York Times".
_MASTHEAD_WORDS = word_set(
    "times news post journal guardian telegraph herald tribune gazette chronicle observer "
    "economist mail mirror express independent inquirer examiner bulletin dispatch courier "
    "standard reuters bloomberg politico axios"
)
# Outlets known by a name without such a word.
_OUTLETS = word_set("bbc cnn ap afp npr pbs nbc abc cbs msnbc ft nyt wsj itv sky dw xinhua tass")
# Names read with "the" in a sentence ("from the Financial Times", "the BBC"); "Arab News",
# "Reuters" and "CNN" go without.
_THE_BEFORE = (_MASTHEAD_WORDS - word_set("news reuters bloomberg politico axios")) | word_set(
    "bbc ft ap nyt wsj"
)
# "from CNN", "from the Washington Post": a capitalised name after a preposition, or leading
# a request ("CNN headlines"), that may be an outlet nobody indexed.
_NAMED_OUTLET = re.compile(
    r"(?:\b(?i:from|in|by|at|on|of)\s+|^\s*)(?P<name>(?:(?i:the)\s+)?[A-Z][\w&.'’\-]*"
    r"(?:\s+[A-Z][\w&.'’\-]*){0,4}?)(?:['’]s)?(?=\s+(?i:headlines|news|stories|latest)\b|\s*[?.!]*\s*$)"
)


@dataclass(frozen=True)
class NewsRequest:
    """A question about what the news reports: `asked` is what to ask (a subject, time words
    kept: "the pact this week"; after "according to the FT", the rest of the question), and
    `reporter` the outlet or person named as reporting it, None for the indexed news as a
    whole ("the articles", "anyone")."""

    asked: str
    reporter: str | None
    # "…, according to the FT?" cites the outlet rather than asking what it wrote: other
    # outlets may report what it said, so an outlet not indexed leaves the question as asked.
    attributed: bool = False


def news_request(question: str) -> NewsRequest | None:
    """What `question` asks the news and of whom, or None for any other question."""
    for form in (_MENTIONED, _THE_ARTICLE_ON):
        if found := form.match(question):
            return NewsRequest(found.group("subject"), None)
    for form in (_ACCORDING_FIRST, _ACCORDING_LAST):
        found = form.match(question)
        # "according to a report compiled by The Economist" names no outlet on its own.
        if found and _NAME.match(found.group("who")):
            asked = found.group("asked") + (found.groupdict().get("end") or "")
            return NewsRequest(asked[:1].upper() + asked[1:], found.group("who"), attributed=True)
    if found := _TAKE.match(question):
        return NewsRequest(found.group("subject"), _reporter(found.group("who")))
    if found := _ASKED.match(question):
        who = found.group("who") or found.group("mentioner") or ""
        return NewsRequest(found.group("subject"), _reporter(who))
    return None


def switched_follow_up(question: str, previous: str) -> str | None:
    """A follow-up that changes one side of a question about what someone reported: "And
    about South Korea?" after "What did the FT say about the pact?" asks the FT about South
    Korea; "And Arab News?" asks Arab News about the pact. None for any other follow-up."""
    before = news_request(previous)
    if before is None or before.attributed:
        return None
    reporter = before.reporter or "the articles"
    found = _AND_ABOUT.match(question)
    subject = _words(found.group("other")) if found else []
    if found and subject and subject[0] not in _WHEN:
        return f"What did {reporter} say about {found.group('other')}?"
    found = _WHAT_ABOUT.match(question) or _AND_NAME.match(question)
    other = found.group("other") if found else ""
    if _NAME.match(other) and looks_like_outlet(other):
        return f"What did {other} say about {before.asked}?"
    about_other = found is not None and found.re is _WHAT_ABOUT and not set(_words(other)) <= _BACK
    # "What about Kim?" after Putin's words may ask what Kim said: left to the older reading.
    if about_other and (before.reporter is None or looks_like_outlet(before.reporter)):
        return f"What did {reporter} say about {other}?"
    return None


def _reporter(who: str) -> str | None:
    who = who.strip()
    return None if not who or _THE_NEWS_ALONE.match(who) else who


def outlet_named(name: str, outlets: Sequence[str]) -> str | None:
    """The indexed outlet `name` means: "the FT" or "Financial Times" for "Financial Times",
    "the BBC" for "BBC News" (the name whole, without "News", or its initials). "USA" is
    not "USA Today"."""
    wanted = _words(name)
    if not wanted:
        return None
    for outlet in outlets:
        have = _words(outlet)
        if wanted in (have, have[:-1] if have[-1:] == ["news"] else have):
            return outlet
        if len(wanted) == 1 and len(have) > 1 and wanted[0] == "".join(w[0] for w in have):
            return outlet
    return None


def outlet_mentioned(question: str, outlets: Sequence[str]) -> tuple[str, str] | None:
    """The indexed outlet `question` names and the question without it: ("Financial Times",
    "What's new?") for "What's new from the FT?". A one-word name must be written as the
    outlet writes it, so "this week" is not The Week."""
    for outlet in outlets:
        words = outlet.split()
        if words[:1] and words[0].lower() == "the":
            words = words[1:]
        if not words:
            continue
        names = [" ".join(words)]
        if len(words) > 1 and words[-1].lower() == "news":
            names.append(" ".join(words[:-1]))
        if len(words) > 1:
            names.append("".join(w[0] for w in words).upper())  # "FT", only in capitals
        for name in names:
            # Typed in lower case, only a name of several words or a long acronym is safe.
            loose = len(name.split()) > 1 or (name.isupper() and len(name) > 2)
            spelled = r"\s+".join(re.escape(word) for word in name.split())
            pattern = re.compile(
                rf"(?:\s*\b(?i:from|in|by|at|on|of)\s+)?\b(?i:the\s+)?"
                rf"{'(?i:' if loose else '(?:'}{spelled})(?:['’]s)?(?!\w)"
            )
            if found := pattern.search(question):
                return outlet, _without(question, found)
    return None


def outlet_in_prose(name: str) -> str:
    """`name` as a sentence writes it: "the Financial Times", "the BBC", "Arab News"."""
    words = _words(name)
    if not words or name.lower().startswith("the ") or words[-1] not in _THE_BEFORE:
        return name
    return f"the {name}"


def outlet_like_mentioned(question: str) -> tuple[str, str] | None:
    """A name in `question` that looks like a publication, indexed or not, and the question
    without it: ("CNN", "What's new?") for "What's new from CNN?"."""
    for found in _NAMED_OUTLET.finditer(question):
        if looks_like_outlet(found.group("name")):
            return found.group("name"), _without(question, found)
    return None


def _without(question: str, found: re.Match[str]) -> str:
    """`question` with the matched name taken out, spaces mended."""
    return " ".join(f"{question[: found.start()]} {question[found.end() :]}".split())


def looks_like_outlet(name: str) -> bool:
    """Whether `name` is a publication's rather than a person's ("the New York Times",
    "CNN", "Reuters"), whether or not it is indexed."""
    words = _words(name)
    return bool(words) and (words[-1] in _MASTHEAD_WORDS or " ".join(words) in _OUTLETS)


def _words(name: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("’s", "").replace("'s", ""))
    return words[1:] if words[:1] == ["the"] else words
