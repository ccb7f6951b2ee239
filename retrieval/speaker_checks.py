"""Whether an answer to "what did X say" quotes X: the checks that decline it when not."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from retrieval.candidates import Candidate, said_by
from retrieval.lexical import terms
from retrieval.models import LIST_ITEM, Answer
from retrieval.questions import Question
from retrieval.speaker_names import TITLES, clean_name, names_a_body
from retrieval.speech import reports_speech

logger = logging.getLogger(__name__)


def speaker_unheard(
    question: Question, scored: Sequence[tuple[float, Candidate]], answer: Answer
) -> bool:
    """ "What did the Kremlin say about Brittney Griner?" where none of the candidates is the
    Kremlin's words: read as an ordinary question ("What did the court call the ban?"), its
    answer must still name the speaker. A caption of Griner at court says nothing the
    Kremlin said, though its article names the Kremlin elsewhere."""
    speaker = question.speaker
    # "the Kremlin" is a name; "the minister" is whoever the articles say it is.
    if question.kind != "say" or not speaker or not speaker.removeprefix("the ")[:1].isupper():
        return False
    if any(said_by(c, speaker) for _, c in scored):
        return False
    quoted = _quoted(answer)
    return not any(
        names_speaker(c.text, speaker, c.article.text)
        for _, c in scored
        if c.text.removeprefix(LIST_ITEM) in quoted
    )


def speaker_silent(
    question: Question, scored: Sequence[tuple[float, Candidate]], answer: Answer
) -> bool:
    """ "What did Putin say about South Korea?" answered with other people's sentences on
    South Korea, while Putin's words on record are about something else: what he said about
    it is not here. The answer must quote one of his statements, or words the extractor gave
    no one ("…," said the Liverpool player; "The chancellor's budget speech praised …"),
    which may be his; a sentence that merely names him ("China is wary of the ties between
    Putin and Kim") says nothing he said."""
    speaker = question.speaker
    if question.kind != "say" or not speaker or not question.topic:
        return False
    if not any(said_by(c, speaker) for _, c in scored):
        return False  # no words of his on record: read as an ordinary question
    quoted = _quoted(answer)
    return not any(
        said_by(c, speaker) or (c.statement is None and reports_speech(c.text))
        for _, c in scored
        if c.text.removeprefix(LIST_ITEM) in quoted
    )


def names_speaker(text: str, speaker: str, article: str = "") -> bool:
    """Whether `text`, a sentence of `article`, names `speaker` by the last word of the name
    ("Putin", "the Kremlin's"), and not as someone else's: "James Clarke" does not name
    Charles Clarke, nor "RJ Reynolds Tobacco" Burt Reynolds, while "Mr Clarke" and "Home
    Secretary Clarke" do. A person's surname alone counts only where the article gives the
    full name: "Johnson" in a story on Boris Johnson is not Van Johnson."""
    words = speaker.removeprefix("the ").split()
    head = set(terms(words[-1])) if words else set()
    if not head or not head <= set(terms(text)):
        return False
    if len(words) < 2 or names_a_body(speaker) or not words[-1][:1].isupper():
        return True  # "the Kremlin", "the Port Elm zoo": no one's surname
    full = clean_name(" ".join(words)) or " ".join(words)
    if full not in text and full not in article:
        return False
    may_precede = {None, *words, *TITLES}
    named = re.compile(rf"(?:\b(?P<before>[A-Z][\w'’.\-]*)\s+)?\b{re.escape(words[-1])}\b")
    return any(match.group("before") in may_precede for match in named.finditer(text))


def _quoted(answer: Answer) -> str:
    return " ".join(c.quote for c in answer.citations)
