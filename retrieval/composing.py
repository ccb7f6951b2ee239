"""Composing an answer: the best-scored sentences, grouped by article and story, cited."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from retrieval.answer_config import AnswerConfig
from retrieval.answer_types import (
    is_subheading,
    names_new_person,
    names_the,
    new_proper,
    not_an_answer,
)
from retrieval.candidates import Candidate, article_sentences, said_by
from retrieval.models import LIST_ITEM, Answer, Citation
from retrieval.questions import Question
from retrieval.speech import quote_goes_on, quote_open_after, statements
from retrieval.speech_subjects import still_quoting

_WORD = re.compile(r"\w+")


def compose(
    question: Question,
    scored: list[tuple[float, Candidate]],
    cfg: AnswerConfig,
    embed: Callable[[list[str]], np.ndarray],
) -> Answer:
    """The answer from the best-scored sentences: at most `max_sentences` from `max_articles`
    articles, each article cited once and the same story from other outlets named beside it."""
    best = scored[0][0]
    within = cfg.keep_within_say if question.kind == "say" else cfg.keep_within
    if question.kind == "who":
        scored = _name_first(scored, question, best - cfg.who_name_reach)
    if question.kind == "say" and question.speaker:
        # "What did X say": once X's own words are found, nobody else's belong here.
        # Only if they are good enough to quote: else nothing at all would be.
        own = [pair for pair in scored if said_by(pair[1], question.speaker)]
        if own and own[0][0] >= max(best - within, cfg.found_threshold):
            scored = own
        elif (
            own
            and own[0][0] >= cfg.found_threshold
            and own[0][1].article.article_id == scored[0][1].article.article_id
        ):
            # Further down too, when the best sentence only tells their story in the same
            # article ("Richard Dunne is ready to commit his future to Manchester City" over
            # his "I definitely want to stay at City").
            scored, best = own, own[0][0]
    chosen: list[tuple[float, Candidate]] = []
    articles: list[str] = []
    also: dict[str, list[str]] = {}
    for score, candidate in scored[: cfg.duplicate_scan]:
        twin = _twin(candidate, [c for _, c in chosen], embed, cfg.duplicate_similarity)
        if twin is not None:
            # The same story from another outlet: cite one, name the others.
            _note_outlet(also, twin, candidate)
            continue
        if len(chosen) >= cfg.max_sentences or score < best - within:
            continue
        if score < cfg.found_threshold or is_subheading(candidate.text):
            continue
        echo = _echo(candidate, [c for _, c in chosen])
        if echo is not None:
            # A photo caption repeats the body's sentence ("Laura Murton, 42, held signs
            # saying ‘Free Gaza’"): quote the fuller of the two once.
            if len(_plain(candidate.text)) > len(_plain(chosen[echo][1].text)):
                chosen[echo] = (max(score, chosen[echo][0]), candidate)
            continue
        aid = candidate.article.article_id
        if aid not in articles:
            if len(articles) >= cfg.max_articles:
                continue
            articles.append(aid)
        chosen.append((score, candidate))

    chosen += _antecedents(question, chosen, scored, cfg.antecedent_reach)
    chosen += _rest_of_quote(question, chosen, cfg.quote_rest)

    # The search ranked whole passages, which tells the story better than one sentence's
    # score: cite the articles in search order, each one's sentences in the order written.
    first_rank = {
        aid: min(c.passage_rank for _, c in chosen if c.article.article_id == aid)
        for aid in articles
    }
    articles.sort(key=first_rank.__getitem__)
    chosen.sort(key=lambda pair: (articles.index(pair[1].article.article_id), pair[1].start))
    citations: list[Citation] = []
    parts: list[str] = []
    for n, aid in enumerate(articles, start=1):
        mine = [pair for pair in chosen if pair[1].article.article_id == aid]
        article = mine[0][1].article
        # A list item is quoted as a sentence, without its bullet.
        said = [c.text.removeprefix(LIST_ITEM) for _, c in mine]
        quote = " … ".join(said)
        citations.append(
            Citation(
                n=n,
                article_id=aid,
                title=article.title,
                source=article.source,
                published=article.published,
                url=article.url,
                quote=quote,
                score=max(s for s, _ in mine),
                also_reported_by=tuple(also.get(aid, ())),
            )
        )
        parts.extend(f"{sentence} [{n}]" for sentence in said)
        if also.get(aid):
            parts[-1] += f" (also reported by {', '.join(also[aid])})"
    return Answer(question.text, " ".join(parts), True, tuple(citations))


def _twin(
    candidate: Candidate,
    chosen: list[Candidate],
    embed: Callable[[list[str]], np.ndarray],
    least_similarity: float,
) -> Candidate | None:
    """A chosen sentence from another article that says the same thing, if any."""
    others = [c for c in chosen if c.article.article_id != candidate.article.article_id]
    if not others:
        return None
    vectors = embed([candidate.text] + [c.text for c in others])
    similarity = vectors[1:] @ vectors[0]
    best = int(np.argmax(similarity))
    return others[best] if similarity[best] >= least_similarity else None


def _antecedents(
    question: Question,
    chosen: Sequence[tuple[float, Candidate]],
    scored: Sequence[tuple[float, Candidate]],
    reach: int,
) -> list[tuple[float, Candidate]]:
    """For "which show ...", a chosen sentence that says only "the wildly popular show" gets
    the sentence that names the show: the one before it ("“Squid Game” is officially coming
    back."), else the best-scored sentence of its article that brings a new name. For "who
    signed the pact?", one that says "the pact that he signed" gets the sentence before it
    that names someone."""
    asked = question.text.lower()
    unnamed = _unnamed_answer(question)
    if unnamed is None:
        return []
    # What names the answer: a person for "who", any new name for "which".
    names = names_new_person if question.kind == "who" else new_proper
    taken = {(c.article.article_id, c.start) for _, c in chosen}
    known = asked + " " + " ".join(c.text for _, c in chosen).lower()
    added: list[tuple[float, Candidate]] = []
    for score, candidate in chosen:
        text = candidate.text
        if not unnamed.search(text):
            continue
        if question.kind == "which" and names_the(question.noun or "", asked, text):
            continue
        namer: Candidate | None = None
        for back in range(1, reach + 1):
            before = _sentence_at(candidate, -back)
            if before is None:
                break
            if names(asked, before.text) and not not_an_answer(before.text):
                namer = before
                break
        if namer is None:
            namer = next(
                (
                    c
                    for _, c in scored
                    if c.article.article_id == candidate.article.article_id
                    and (c.article.article_id, c.start) not in taken
                    and names(known, c.text)
                ),
                None,
            )
        if namer is not None and (namer.article.article_id, namer.start) not in taken:
            taken.add((namer.article.article_id, namer.start))
            added.append((score, namer))
    return added


# "Who signed the pact?": the verb after "who", past an auxiliary ("who has signed").
_WHO_VERB = re.compile(r"^\W*who\s+(?:(?:has|have|had|was|were|is|will)\s+)?(?P<verb>[a-z]+)\b")


def _unnamed_answer(question: Question) -> re.Pattern[str] | None:
    """Where a sentence leaves the asked thing unnamed: "the wildly popular show", "their
    team" or the noun opening it ("Team owner Arte Moreno announced ...") for "which show /
    team"; "he signed" for "who signed"."""
    if question.kind == "which" and question.noun:
        return re.compile(
            rf"(?:\b(?i:the|this|that|a|an|his|her|its|their)\s+(?:[\w’'\-]+\s+){{0,4}}?|^\W*)"
            rf"(?i:{re.escape(question.noun)})s?\b"
        )
    if question.kind == "who" and (verb := _WHO_VERB.match(question.asked.lower())):
        if verb.group("verb") in ("did", "does", "do"):
            return None  # "who did Putin meet": the subject is named in the question
        return re.compile(
            rf"\b(?i:he|she|they)\s+(?:(?i:has|have|had|also|then|later)\s+)?"
            rf"{re.escape(verb.group('verb'))}\b"
        )
    return None


def _plain(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def _echo(candidate: Candidate, chosen: list[Candidate]) -> int | None:
    """The chosen sentence of the same article that says the same words as `candidate`,
    one within the other, quotes and punctuation aside, if any."""
    mine = _plain(candidate.text)
    for i, other in enumerate(chosen):
        if other.article.article_id != candidate.article.article_id:
            continue
        theirs = _plain(other.text)
        if mine.strip() and theirs.strip() and (mine in theirs or theirs in mine):
            return i
    return None


def _note_outlet(also: dict[str, list[str]], kept: Candidate, dropped: Candidate) -> None:
    outlet = dropped.article.source or dropped.article.title
    # A copy of the same article (no outlet, the same headline) is not another report.
    if outlet in (kept.article.source, kept.article.title):
        return
    names = also.setdefault(kept.article.article_id, [])
    if outlet not in names:
        names.append(outlet)


def _name_first(
    scored: list[tuple[float, Candidate]], question: Question, floor: float
) -> list[tuple[float, Candidate]]:
    """For "who" questions, lift a sentence that names someone to the top: the one after the
    best, if it does (a news lead tells what happened and the next sentence who: "The two
    most senior executives at Fannie Mae have resigned. Chief executive Franklin Raines …
    and chief financial officer Tim Howard have left the firm."), else the best that does,
    as long as it is nearly as relevant: "A man was jailed" does not answer "who was
    jailed"."""
    asked = question.text.lower()
    top, lead = scored[0]
    if names_new_person(asked, lead.text):
        return scored
    after = _sentence_at(lead, 1)
    if after is not None and names_new_person(asked, after.text) and not not_an_answer(after.text):
        rest = [
            pair
            for pair in scored[1:]
            if (pair[1].article.article_id, pair[1].start)
            != (after.article.article_id, after.start)
        ]
        return [scored[0], (top, after), *rest]
    for i, (score, candidate) in enumerate(scored):
        if score < floor:
            break
        if names_new_person(asked, candidate.text):
            return [(top, candidate), *scored[:i], *scored[i + 1 :]]
    return scored


def _rest_of_quote(
    question: Question, chosen: Sequence[tuple[float, Candidate]], most: int
) -> list[tuple[float, Candidate]]:
    """For "what did X say", the sentences that go on with a chosen quote of X's in the same
    paragraph (the rest of the quote, or X's next quote standing alone), at most `most` in
    all: "“… it is a worse idea now,” Furman wrote. “Refineries are even more constrained now
    … Most of the 18.4 cent reduction would be pocketed by industry.”" The first sentence
    scores best for the topic; the rest say why."""
    if question.kind != "say" or not question.speaker:
        return []
    taken = {(c.article.article_id, c.start) for _, c in chosen}
    added: list[tuple[float, Candidate]] = []
    for score, candidate in chosen:
        said = candidate.statement
        if said is None or not said.direct or not said_by(candidate, question.speaker):
            continue
        text = candidate.article.text
        by_start = {s.start: s for s in statements(text)}
        spans = article_sentences(text)
        at = _index_of(spans, candidate)
        if at is None:
            continue
        first = at
        while first > 0 and "\n" not in text[spans[first - 1][1] : spans[first][0]]:
            first -= 1
        quote_open = quote_open_after(text[s:e] for s, e in spans[first : at + 1])
        after = candidate
        for start, end in spans[at + 1 :]:
            more = by_start.get(start)
            following = text[start:end]
            if (
                len(added) >= most
                or more is None
                or more.speaker != said.speaker
                or "\n" in text[after.end : start]
                or not quote_goes_on(quote_open, following)
                or (after.article.article_id, start) in taken
            ):
                break
            quote_open = still_quoting(following, quote_open)
            after = replace(after, start=start, end=end, text=following, statement=more)
            taken.add((after.article.article_id, start))
            added.append((score, after))
    return added


def _sentence_at(candidate: Candidate, offset: int) -> Candidate | None:
    """The sentence `offset` places from `candidate` in its article (-1 the one before, 1 the
    one after), if there is one."""
    text = candidate.article.text
    spans = article_sentences(text)
    at = _index_of(spans, candidate)
    if at is None or not 0 <= at + offset < len(spans):
        return None
    start, end = spans[at + offset]
    return replace(candidate, start=start, end=end, text=text[start:end])


def _index_of(spans: Sequence[tuple[int, int]], candidate: Candidate) -> int | None:
    """Where `candidate` stands among its article's sentence spans, if it is one of them."""
    return next((i for i, (start, _) in enumerate(spans) if start == candidate.start), None)
