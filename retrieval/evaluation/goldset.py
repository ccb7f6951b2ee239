"""Evaluation questions (the JSONL gold-set format) and how evidence is matched to articles."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import BadRecordError, PathNotFoundError
from retrieval.models import Chunk, Citation

logger = logging.getLogger(__name__)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EvalQuestion:
    """One line of a question file.

    `evidence` names the right article(s): an article id, a URL, an outlet name or a piece of
    the headline (see `ArticleRef.matches`). `answers` are strings a correct answer contains.
    `date` is the day the question is asked (the "now" of date-aware questions).
    """

    id: str
    question: str
    answerable: bool
    evidence: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = list(self.evidence)
        data["answers"] = list(self.answers)
        return data

    @classmethod
    def from_dict(cls, record: Any, where: str = "question") -> EvalQuestion:
        if not isinstance(record, dict):
            raise BadRecordError(where, "expected a JSON object with 'id' and 'question'")
        qid, text = record.get("id"), record.get("question")
        if not isinstance(qid, str) or not qid or not isinstance(text, str) or not text.strip():
            raise BadRecordError(where, "needs a non-empty string 'id' and 'question'")
        answerable = record.get("answerable", True)
        if not isinstance(answerable, bool):
            raise BadRecordError(where, "'answerable' must be true or false")
        evidence = _strings(record.get("evidence", []), where, "evidence")
        answers = _strings(record.get("answers", []), where, "answers")
        date = record.get("date")
        if date is not None and (not isinstance(date, str) or not _DATE.fullmatch(date)):
            raise BadRecordError(where, "'date' must be YYYY-MM-DD or null")
        return cls(qid, text.strip(), answerable, evidence, answers, date)


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecordError(where, f"'{name}' must be a list of strings")
    return tuple(v for v in value if v.strip())


def load_questions(path: Path | str) -> list[EvalQuestion]:
    """Read a question file (one JSON object per line; blank lines are skipped)."""
    path = Path(path)
    if not path.is_file():
        raise PathNotFoundError(path)
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise BadRecordError(where, f"not valid JSON ({err.msg}); fix the line") from err
            question = EvalQuestion.from_dict(record, where)
            if question.id in seen:
                raise BadRecordError(where, f"duplicate id {question.id!r}; ids must be unique")
            seen.add(question.id)
            questions.append(question)
    return questions


def write_questions(path: Path | str, questions: Iterable[EvalQuestion]) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        for question in questions:
            out.write(json.dumps(question.to_dict(), ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class ArticleRef:
    """What evidence is matched against: an article as a citation or a passage shows it."""

    article_id: str
    title: str = ""
    url: str | None = None
    source: str | None = None

    @classmethod
    def of_chunk(cls, chunk: Chunk) -> ArticleRef:
        return cls(chunk.article_id, chunk.title, chunk.url, chunk.source)

    @classmethod
    def of_citation(cls, citation: Citation) -> ArticleRef:
        return cls(citation.article_id, citation.title, citation.url, citation.source)

    def matches(self, evidence: str) -> bool:
        """True if `evidence` is this article's id or URL, its outlet, or part of its title."""
        wanted = evidence.strip()
        if not wanted:
            return False
        if wanted == self.article_id:
            return True
        if self.url and url_key(wanted) == url_key(self.url):
            return True
        if self.source and wanted.casefold() == self.source.casefold():
            return True
        return bool(self.title) and fold(wanted) in fold(self.title)

    def matches_any(self, evidence: Sequence[str]) -> bool:
        return any(self.matches(e) for e in evidence)


def url_key(url: str) -> str:
    """Two spellings of one page's URL give one key (scheme, www., case of host, slash)."""
    text = url.strip()
    text = re.sub(r"^[a-z]+://", "", text, flags=re.IGNORECASE)
    host, _, rest = text.partition("/")
    host = host.lower().removeprefix("www.")
    rest = rest.split("#", 1)[0].rstrip("/")
    return f"{host}/{rest}"


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


def fold(text: str) -> str:
    """Case-, width-, quote-style- and whitespace-insensitive form for substring matching."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Ranking:
    """Where the evidence appears in what a system returned, cited articles first."""

    articles: tuple[ArticleRef, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, *groups: Iterable[ArticleRef]) -> Ranking:
        seen: set[str] = set()
        ordered: list[ArticleRef] = []
        for group in groups:
            for ref in group:
                if ref.article_id not in seen:
                    seen.add(ref.article_id)
                    ordered.append(ref)
        return cls(tuple(ordered))

    def rank(self, evidence: Sequence[str]) -> int | None:
        """1-based rank of the first article matching any evidence string, or None."""
        for position, ref in enumerate(self.articles, start=1):
            if ref.matches_any(evidence):
                return position
        return None


_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_SPELLED = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r"|1?\d|20)\b")


_ROMAN = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
# A numeral after a word names the one in a series: "Artemis 1" is "Artemis I", "World War
# II" is "World War 2". Only after a word: an opening "I" is a pronoun, an opening "1" a
# quantity.
_ROMAN_NUMERAL = re.compile(r"(?<=[a-z] )(?:10|[1-9]|" + "|".join(_ROMAN[1:]) + r")(?!\S)")


def _spelled_both_ways(answer: str) -> set[str]:
    """`answer` with its small numbers as digits and as words (a gold "6" is also "six"), and
    a series number as digits and as a Roman numeral."""
    as_digits = _SPELLED.sub(
        lambda m: str(_NUMBER_WORDS.index(m[0])) if m[0] in _NUMBER_WORDS else m[0], answer
    )
    as_words = _SPELLED.sub(lambda m: _NUMBER_WORDS[int(m[0])] if m[0].isdigit() else m[0], answer)
    as_roman = _ROMAN_NUMERAL.sub(
        lambda m: _ROMAN[int(m[0])] if m[0].isdigit() else m[0], as_digits
    )
    series_digits = _ROMAN_NUMERAL.sub(
        lambda m: str(_ROMAN.index(m[0])) if m[0] in _ROMAN else m[0], answer
    )
    return {answer, as_digits, as_words, as_roman, series_digits}


def contains_answer(answers: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether any gold answer string appears in any of `texts`, compared in `fold`ed form.

    A match must start at a word boundary, and a number must also end at one: the gold "6"
    is not found inside "2016", "60" or "sixty", while "Europe" is found in "European". Small
    numbers match spelled out either way, as news style writes them ("six months" for the
    gold "6"), and a series number as a Roman numeral ("Artemis I" for the gold "Artemis 1")."""
    haystack = "\n".join(fold(t) for t in texts)
    for answer in answers:
        for wanted in _spelled_both_ways(fold(answer)):
            if not wanted:
                continue
            left = r"(?<!\w)" if wanted[0].isalnum() else ""
            if wanted[-1].isdigit():
                right = r"(?!\d)"
            elif wanted.rsplit(" ", 1)[-1] in (*_NUMBER_WORDS, *_ROMAN[1:]):
                right = r"(?!\w)"
            else:
                right = ""
            if re.search(left + re.escape(wanted) + right, haystack):
                return True
    return False
