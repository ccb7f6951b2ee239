"""Reading a question: what kind of answer it wants, who it asks about, and follow-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.errors import EmptyQuestionError, QuestionTooLongError
from retrieval.lexical import terms

MAX_QUESTION_CHARS = 2_000

_SAY = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what|how)\s+(?:did|does|has|have|do|had)\s+(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|think|thinks|warn|warned|announce|announced|claim|claimed|"
    r"react|respond|reacted|responded|describe|described|mean)"
    r"(?:\s+(?:about|on|regarding|of|concerning|to)\s+(?P<topic>.+?))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|what about|how about|and what about|what else|why|so)\b|"
    r"\b(?:he|she|they|him|her|them|it|that|this|those|these)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Question:
    """A validated question and what we could read from it."""

    text: str
    kind: str  # who | when | where | number | which | say | other
    speaker: str | None = None
    topic: str | None = None
    unit: str | None = None  # "how many counts" -> "counts"; "how long" -> "duration"
    noun: str | None = None  # "which company ..." -> "company": what the answer must name
    latest: bool = False  # "latest", "most recent": newer articles win

    @property
    def focus(self) -> str:
        """The part of the question the answer must be about."""
        return self.topic or self.text


def validate(question: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """The question, cleaned of control characters; raises on empty or oversized input."""
    if len(question) > limit:
        raise QuestionTooLongError(len(question), limit)
    cleaned = " ".join(_CONTROL.sub(" ", question).split())
    if not cleaned or not any(ch.isalnum() for ch in cleaned):
        raise EmptyQuestionError()
    return cleaned


def parse(question: str) -> Question:
    say = _SAY.match(question)
    if say:
        who = say.group("who").strip()
        topic = (say.group("topic") or "").strip() or None
        return Question(question, "say", speaker=who, topic=topic)
    # Quiz-style questions set the scene first ("A court ruled ... . How many months was her
    # detention extended?"): the last sentence says what is asked.
    asked = _asked_part(question).lower()
    if re.match(r"^\s*(?:who|whom|whose)\b", asked):
        kind = "who"
    elif re.match(r"^\s*when\b|\bwhat (?:year|date|day|month|time)\b", asked):
        kind = "when"
    elif re.match(r"^\s*where\b", asked):
        kind = "where"
    elif re.search(r"\bhow (?:many|much|long|old|far|big|large)\b", asked):
        unit = re.search(r"\bhow many\s+(\w+)", asked)
        if re.search(r"\bhow long\b", asked):
            return Question(question, "number", unit="duration")
        return Question(question, "number", unit=unit.group(1) if unit else None)
    elif re.match(r"^\s*what\s+(?:is|are|was|were)\b.*\bcalled\b", asked):
        kind = "which"  # "What is the mission called?" asks for a name
    elif noun := _which_noun(asked):
        return Question(question, "which", noun=noun)
    else:
        kind = "other"
    return Question(question, kind)


_WHICH = re.compile(
    r"^\s*(?:which|what)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b)([a-z]+)"
    # "... are struggling to stock which condiment": the wh-word in the middle, not after a
    # comma (", which was passed" is a relative clause).
    r"|(?<!,)\s(?:which|what)\s+(?!is\b|are\b|was\b|were\b|did\b|does\b|do\b|the\b|a\b|an\b|"
    r"he\b|she\b|it\b|they\b|we\b|you\b|this\b|that\b)([a-z]+)"
)


def _which_noun(asked: str) -> str | None:
    match = _WHICH.search(asked)
    if not match:
        return None
    return (match.group(1) or match.group(2)).removesuffix("'s")


def _asked_part(question: str) -> str:
    """The last sentence of the question, where the question word is."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", question.strip()) if p.strip()]
    return parts[-1] if parts else question


def contextualize(question: str, previous: str | None) -> str:
    """Rewrite a follow-up ("and what did Kim say?") in the light of the previous question.

    A question that names its own subject and has no back-reference is left alone.
    """
    if not previous or not _FOLLOW_UP.search(question):
        return question
    now = parse(question)
    before = parse(previous)
    if now.kind == "say" and now.topic is None and before.topic:
        return f"What did {now.speaker} say about {before.topic}?"
    if now.kind == "say" and now.topic is None and before.kind == "say":
        return question
    carried = [w for w in _content_words(previous) if w.lower() not in question.lower()]
    if not carried:
        return question
    return f"{question.rstrip(' ?')} ({' '.join(carried)})?"


def _content_words(text: str) -> list[str]:
    wanted = set(terms(text))
    words = re.findall(r"[\w’'\-]+", text)
    return [w for w in words if terms(w) and terms(w)[0] in wanted]
