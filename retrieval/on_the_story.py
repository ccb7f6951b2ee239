"""Keeping other stories out of an answer: the articles that name what the question names."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping

from retrieval.answer_types import names_in
from retrieval.candidates import Candidate
from retrieval.lexical import CALENDAR_TERMS, terms
from retrieval.places import names_a_country
from retrieval.questions import Question

logger = logging.getLogger(__name__)

# A name's last word stands for it when its rarity is at least this share of the rarest's.
_RARE_ENOUGH = 0.75


def on_the_story(
    question: Question,
    scored: list[tuple[float, Candidate]],
    rarity: Callable[[Iterable[str]], dict[str, float]],
) -> list[tuple[float, Candidate]]:
    """`scored` without the candidates from articles, other than the best sentence's, that
    name nothing the question names: "Who won the French Open?" answered from a Nadal story
    is not helped by a golf round-up's "Mickelson won the Senior Open". `rarity` gives a
    word's inverse document frequency in the index."""
    # A country ("US", "Japanese") is named by most news on it, whatever the story.
    names = [
        name
        for name in names_in(question.text)
        if set(terms(name)) - CALENDAR_TERMS and not names_a_country(name)
    ]
    if not names or not scored:
        return scored
    weights = rarity(set().union(*(terms(name) for name in names)))
    marks = [_name_mark(name, weights) for name in names]
    best = scored[0][1].article.article_id
    named: dict[str, bool] = {}
    for _, candidate in scored:
        article = candidate.article
        if article.article_id not in named:
            text = f"{article.title}\n{article.text}"
            named[article.article_id] = article.article_id == best or any(
                mark.search(text) for mark in marks
            )
    left_out = [aid for aid, kept in named.items() if not kept]
    if left_out:
        logger.debug("left out articles naming none of %s: %s", names, left_out)
    return [pair for pair in scored if named[pair[1].article.article_id]]


def _name_mark(name: str, rarity: Mapping[str, float]) -> re.Pattern[str]:
    """What shows an article names `name`: its last word alone when that is about as rare
    as its rarest ("Biden" for "Joe Biden", "Rajapaksa" for "President Gotabaya
    Rajapaksa"), else the whole name ("French Open", not any "Open"). Case counts in
    acronyms and whole names ("NHS" is not "nhs")."""
    # "Redknapp's Saints", "'Veritas'": the words, without quote marks and possessives.
    words = re.findall(r"\w[\w\-]*", re.sub(r"['’]s\b", "", name))
    seen = [rarity.get(t, math.inf) for t in terms(name)]
    last = [rarity.get(t, math.inf) for t in terms(words[-1])]
    if len(words) > 1 and last and min(last) >= _RARE_ENOUGH * max(seen):
        words = words[-1:]
    if len(words) == 1 and not words[0].isupper():
        # One word, in any case and with any ending: "brainwaves" names "Brainwave".
        return re.compile(rf"\b{re.escape(words[0])}", re.IGNORECASE)
    between = r"(?:['’]s)?\W+"
    return re.compile(r"\b" + between.join(map(re.escape, words)) + r"(?!\w)")
