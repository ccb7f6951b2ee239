"""Whether an answer to "what did X say" quotes X: the checks that decline it when not."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from retrieval.candidates import Candidate, said_by
from retrieval.lexical import spelt_any_way, terms
from retrieval.models import LIST_ITEM, Answer
from retrieval.questions import Question
from retrieval.speaker_names import TITLES, clean_name, names_a_body
from retrieval.speaks_for import without_the
from retrieval.speech import reports_speech

logger = logging.getLogger(__name__)


def speaker_not_quoted(
    question: Question, scored: Sequence[tuple[float, Candidate]], answer: Answer
) -> str | None:
    """Why an answer to "what did X say" (`answer`, composed from `scored`) does not quote
    X, or None when it does or the question asks something else. Two ways:

    - None of the candidates is X's words, X is a name ("the Kremlin", "Biden"; not "the
      minister"), and no quoted sentence names X. Read as an ordinary question ("What did
      the court call the ban?"), "What did the Kremlin say about Brittney Griner?" had quoted
      a caption of Griner at court, because its article names the Kremlin elsewhere.
    - X's words are there, the question has a topic, and the answer quotes none of them, nor
      any words the extractor gave no one ("…," said the Liverpool player; "The chancellor's
      budget speech praised …") in an article that names X, which may be X's. "What did
      Putin say about South Korea?" answered with other people's sentences on South Korea
      is not what he said, and a sentence that merely names him ("China is wary of the ties
      between Putin and Kim") says nothing he said."""
    speaker = question.speaker
    if question.kind != "say" or not speaker:
        return None
    words = " ".join(c.quote for c in answer.citations)
    quoted = [c for _, c in scored if c.text.removeprefix(LIST_ITEM) in words]
    if not any(said_by(c, speaker) for _, c in scored):
        if without_the(speaker)[:1].isupper() and not any(
            names_speaker(c.text, speaker, c.article.text) for c in quoted
        ):
            return f"no words of {speaker} on record, none quoted names them"
        return None
    if question.topic and not any(
        said_by(c, speaker) or _may_be_theirs(c, speaker) for c in quoted
    ):
        return f"none of {speaker}'s words on record is about the topic"
    return None


def _may_be_theirs(candidate: Candidate, speaker: str) -> bool:
    """Words the extractor gave no one, in an article that names `speaker`: "…," said the
    Liverpool player, in a report naming Gerrard, may be Gerrard's; a quote in a report on
    NATO that never names the Kremlin is not the Kremlin's."""
    article = candidate.article.text
    return (
        candidate.statement is None
        and reports_speech(candidate.text)
        and names_speaker(article, speaker, article)
    )


def names_speaker(text: str, speaker: str, article: str = "") -> bool:
    """Whether `text`, a sentence of `article`, names `speaker` by the last word of the name
    ("Putin", "the Kremlin's"), and not as someone else's: "James Clarke" does not name
    Charles Clarke, nor "RJ Reynolds Tobacco" Burt Reynolds, while "Mr Clarke" and "Home
    Secretary Clarke" do. A person's surname alone counts only where the article gives the
    full name: "Johnson" in a story on Boris Johnson is not Van Johnson."""
    words = without_the(speaker).split()
    head = set(terms(words[-1])) if words else set()
    if not head or not head <= set(terms(text)):
        return False
    if len(words) < 2 or names_a_body(speaker) or not words[-1][:1].isupper():
        return True  # "the Kremlin", "the Port Elm zoo": no one's surname
    full = clean_name(" ".join(words)) or " ".join(words)
    first, _, last = full.rpartition(" ")
    before = rf"{re.escape(first)}\s+" if first else r"\b"
    in_full = re.compile(rf"{before}{spelt_any_way(last)}\b")
    if not (in_full.search(text) or in_full.search(article)):
        return False
    may_precede = {None, *words, *TITLES}
    named = re.compile(rf"(?:\b(?P<before>[A-Z][\w'’.\-]*)\s+)?\b{spelt_any_way(words[-1])}\b")
    return any(match.group("before") in may_precede for match in named.finditer(text))
