"""The extractive answerer: picks the sentences that answer a question and cites them."""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from retrieval.answer_config import AnswerConfig
from retrieval.answer_types import (
    has_date,
    has_number,
    has_place,
    has_quantity,
    names_a_place,
    names_in,
    names_new_person,
    names_the,
    new_proper,
)
from retrieval.candidates import Candidate, gather, is_lead, said_by
from retrieval.composing import compose
from retrieval.embedding import Embedder
from retrieval.lexical import CALENDAR_TERMS, terms
from retrieval.models import Answer, Article, Passage
from retrieval.news_words import sentence_terms
from retrieval.on_the_story import on_the_story
from retrieval.questions import Question
from retrieval.speaker_checks import speaker_not_quoted

logger = logging.getLogger(__name__)

NOT_FOUND = "I couldn't find that in the indexed articles."


class Answerer:
    """Scores every sentence of the retrieved passages against the question and keeps the best.

    Sentence score = dense similarity (to the question's focus) and idf-free term coverage,
    plus bonuses when the sentence is what the question asks for (the right speaker's words
    for "what did X say", a name for "who", a date for "when"). If the best sentence scores
    under `found_threshold`, or under `doubtful_support` while the cited sentences miss the
    question's rare words (`rarity`: a word's inverse document frequency in the index), or
    the question names what the index never mentions or what no cited article mentions, or
    asks "how many X" and no cited sentence counts X, the answer is a plain not-found.
    """

    def __init__(
        self,
        embedder: Embedder,
        articles: Callable[[Sequence[str]], dict[str, Article]],
        rarity: Callable[[Iterable[str]], dict[str, float]],
        config: AnswerConfig | None = None,
    ) -> None:
        self.embedder = embedder
        self._articles = articles
        self._rarity = rarity
        self.config = config or AnswerConfig()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def answer(self, question: Question, passages: Sequence[Passage]) -> Answer:
        scored, support = self.score(question, passages)
        cfg = self.config
        if not scored or support < cfg.found_threshold:
            return Answer(question=question.text, text=NOT_FOUND, found=False)
        answer = compose(question, scored, cfg, self.embed)
        if not answer.citations:  # every sentence near the top was a subheading
            return Answer(question=question.text, text=NOT_FOUND, found=False)
        # The cited articles are among the scored candidates': no second read.
        read = {c.article.article_id: c.article for _, c in scored}
        if support < cfg.doubtful_support:
            # A weak best sentence may come from a digest that shares "show" and "popular"
            # with the question but not its story: the question's rare words must be there.
            held = self.rare_coverage(question, answer)
            unknown = self.unknown_names(question)
            uncounted = _lacks_asked_quantity(question, answer)
            off_topic = _misses_the_topic(question, answer)
            elsewhere = self.names_elsewhere(question, answer, read)
            if held < cfg.min_rare_coverage or unknown or uncounted or elsewhere or off_topic:
                logger.debug(
                    "declined: support %.2f, rare words held %.2f, names the index lacks %s, "
                    "names the cited articles lack %s, no count of the asked unit %s, "
                    "not on the asked topic %s",
                    support,
                    held,
                    unknown,
                    elsewhere,
                    uncounted,
                    off_topic,
                )
                return Answer(question=question.text, text=NOT_FOUND, found=False)
        if self.speaker_unnamed(question, answer, read):
            logger.debug("declined: no cited article names %s", question.speaker)
            return Answer(question=question.text, text=NOT_FOUND, found=False)
        if reason := speaker_not_quoted(question, scored, answer):
            logger.debug("declined: %s", reason)
            return Answer(question=question.text, text=NOT_FOUND, found=False)
        # Whether to answer was judged on every candidate, as before; what is quoted leaves
        # out the articles about something else.
        named = on_the_story(question, scored, self._rarity)
        return answer if len(named) == len(scored) else compose(question, named, cfg, self.embed)

    def unknown_names(self, question: Question) -> list[str]:
        """The names and years of the question ("Twitter", "iPhone", "2022") that no
        indexed chunk holds: an index that never mentions them cannot say what they did.
        A name counts by its last word: "Leyton Orient" is known where "Orient" is."""
        heads = _name_heads(question)
        # One lookup for all of them: each reads the current index snapshot.
        known = self._rarity(set().union(*heads.values()))
        return [name for name, head in heads.items() if head and not head <= known.keys()]

    def names_elsewhere(
        self, question: Question, answer: Answer, articles: Mapping[str, Article]
    ) -> list[str]:
        """The question's names that none of the cited articles (found in `articles`)
        mentions: "Which company bought Pixar?" answered from articles about Gazprom and
        Argonaut is about them. A name counts by its last word, as in `unknown_names`."""
        # An article rarely prints its own year: "Storm Eunice in February 2022" is told by
        # a report dated 2022 that never says "2022".
        have = _cited_terms(answer, articles) | _cited_years(answer, articles)
        # "on Monday" is when, not what: a day or month is never the missing name.
        heads = {name: head - CALENDAR_TERMS for name, head in _name_heads(question).items()}
        return [name for name, head in heads.items() if head and not _mentioned(head, have)]

    def speaker_unnamed(
        self, question: Question, answer: Answer, articles: Mapping[str, Article]
    ) -> bool:
        """ "What did Biden say about the pact?" answered from articles that never name Biden:
        the words quoted are someone else's, whatever the support. A speaker counts by the
        last word of the name, as in `names_elsewhere`; "he" or "the minister" never fails."""
        if question.kind != "say" or not question.speaker:
            return False
        head = set(terms(question.speaker.split()[-1]))
        if not head or not question.speaker[:1].isupper():
            return False
        return not _mentioned(head, _cited_terms(answer, articles))

    def rare_coverage(self, question: Question, answer: Answer) -> float:
        """The share of the question's words, weighted by rarity in the index, that the
        cited sentences hold; a word also counts when one stem begins the other, so
        "riverbed" meets "river"."""
        wanted = set(terms(question.text))
        weight = self._rarity(wanted)
        total = math.fsum(weight.values())
        if not total:
            return 1.0
        have = set(terms(" ".join(c.quote for c in answer.citations)))
        return math.fsum(w for t, w in weight.items() if _stem_meets(t, have)) / total

    def score(
        self, question: Question, passages: Sequence[Passage]
    ) -> tuple[list[tuple[float, Candidate]], float]:
        """Candidate sentences with their ranking scores, best first, and the support: how
        well the best sentence covers the whole question, which decides found or not."""
        articles = self._articles([p.chunk.article_id for p in passages])
        candidates = self._shortlist(question, gather(question, passages, articles, self.config))
        if not candidates:
            return [], 0.0
        cfg = self.config
        vectors = self.embed([question.focus, question.text] + [c.text for c in candidates])
        focus_vec, question_vec, sentence_vecs = vectors[0], vectors[1], vectors[2:]
        speaker_known = question.kind == "say" and any(
            said_by(c, question.speaker or "") for c in candidates
        )
        dense = np.maximum(sentence_vecs @ focus_vec, sentence_vecs @ question_vec)
        ranking = dense
        if speaker_known and question.topic:
            # Who speaks is the speaker bonus's job. Ranked by the whole question, a critic's
            # "Gordon Brown's record on the economy is mixed" would outrank Brown's own words
            # on the economy, because it names him. Support still reads the whole question.
            ranking = sentence_vecs @ focus_vec
        if question.kind == "say" and not speaker_known:
            # "What did the court call the ban": no statement by that speaker, so read it as
            # an ordinary question rather than penalising every sentence.
            question = Question(question.text, "other")
        wanted = set(terms(question.focus if question.kind == "say" else question.text))
        own_terms = [sentence_terms(c.text) for c in candidates]
        weight = _local_idf(wanted, own_terms)
        asking = set(terms(question.asked))
        if question.kind != "say" and asking != wanted:
            # The scene a quiz question sets matches every sentence of the story; the words
            # of the sentence that asks pick out the one that answers.
            weight = {t: w * (cfg.asked_weight if t in asking else 1.0) for t, w in weight.items()}
        # fsum: these sets iterate in a per-process order, and a plain float sum would then
        # differ in the last bits from run to run, flipping near-ties between runs.
        total = math.fsum(weight.values())
        # Question words found in no candidate: they don't rank candidates, but a question
        # whose key words appear nowhere is probably not answered here.
        absent = (len(wanted) - len(weight)) * math.log(2.0 + len(candidates))
        recency = _recency(candidates) if question.latest else {}
        scored = []
        support = 0.0
        for candidate, sim, rank_sim, have in zip(
            candidates, dense, ranking, own_terms, strict=True
        ):
            around = sentence_terms(candidate.context) - have
            matched = math.fsum(
                weight.get(t, 0.0) for t in wanted & have
            ) + cfg.context_weight * math.fsum(weight.get(t, 0.0) for t in wanted & around)
            coverage = matched / total if total else 0.0
            bonus = self._bonus(question, candidate)
            bonus += cfg.recency_bonus * recency.get(candidate.article.published or "", 0.0)
            score = cfg.dense_weight * float(rank_sim) + cfg.lexical_weight * coverage + bonus
            # Ranking only, not support: most news sentences name some country.
            score += self._place_bonus(question, candidate.text, coverage)
            whole = matched / (total + absent) if total + absent else 0.0
            support = max(
                support, cfg.dense_weight * float(sim) + cfg.lexical_weight * whole + bonus
            )
            scored.append((score, candidate))
        # Equal scores go to the more recent article.
        scored.sort(key=lambda pair: (pair[0], pair[1].article.published or ""), reverse=True)
        return scored, support

    def _shortlist(self, question: Question, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates worth embedding: sentence embedding is the main cost of an answer,
        so a cheap lexical pass keeps the best `max_embedded` (plus the speaker's words)."""
        limit = self.config.max_embedded
        if len(candidates) <= limit:
            return candidates
        wanted = set(terms(question.text))

        def cheap(c: Candidate) -> float:
            have = sentence_terms(c.text)
            around = sentence_terms(c.context)
            overlap = len(wanted & have) + 0.5 * len(wanted & around)
            return overlap - 0.3 * c.passage_rank + self._bonus(question, c) * 10

        ranked = sorted(candidates, key=cheap, reverse=True)
        return ranked[:limit]

    def _bonus(self, question: Question, candidate: Candidate) -> float:
        cfg = self.config
        if question.kind == "say" and question.speaker:
            said = candidate.statement
            if said_by(candidate, question.speaker):
                return cfg.speaker_bonus
            if said is not None:
                return -cfg.other_speaker_penalty
            return -cfg.other_speaker_penalty / 2
        return self._type_bonus(question, candidate) + (
            cfg.lead_bonus if is_lead(candidate) else 0.0
        )

    def _type_bonus(self, question: Question, candidate: Candidate) -> float:
        """How well the sentence fits the kind of answer asked for (a name, a date, ...)."""
        cfg = self.config
        text = candidate.text
        asked = question.text.lower()
        if question.kind == "who":
            return cfg.type_bonus if names_new_person(asked, text) else -cfg.unnamed_penalty
        if question.kind == "when":
            return cfg.type_bonus if has_date(text) else -cfg.unnamed_penalty
        if question.kind == "number":
            if question.unit and has_quantity(text, question.unit):
                return 3 * cfg.type_bonus
            return cfg.type_bonus if has_number(text) else 0.0
        if question.kind == "which":
            if question.noun and names_the(question.noun, asked, text):
                return 3 * cfg.type_bonus
            if new_proper(asked, text):
                return cfg.type_bonus
            # "The company is scaling back its AC" restates "which company" without naming it.
            return -cfg.unnamed_penalty
        if question.kind == "where":
            return 2 * cfg.type_bonus if has_place(text) else -cfg.unnamed_penalty
        return 0.0

    def _place_bonus(self, question: Question, text: str, coverage: float) -> float:
        """For "which country/state", a sentence naming one, in proportion to how much of the
        question it covers (in full from a third): a sentence off the story that happens to
        name a country must not be lifted into the answer."""
        if question.kind != "which" or not names_a_place(
            question.noun, question.text.lower(), text
        ):
            return 0.0
        return self.config.place_bonus * min(1.0, 3 * coverage)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts`, from a bounded cache shared by questions and sentences.

        The model runs outside the lock, so concurrent questions don't wait on each other.
        """
        with self._cache_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.encode(missing), strict=True))
            known.update(fresh)
            with self._cache_lock:
                self._cache.update(fresh)
                while len(self._cache) > self.config.cache_size:
                    self._cache.popitem(last=False)
        return np.stack([known[t] for t in texts])


def _name_heads(question: Question) -> dict[str, set[str]]:
    """Each name the question mentions, with the terms of its last word ("Leyton Orient":
    {"orient"})."""
    return {name: set(terms(name.split()[-1])) for name in names_in(question.text)}


def _lacks_asked_quantity(question: Question, answer: Answer) -> bool:
    """A "how many people" answer none of whose sentences counts people ("One of the
    officers said: 'We could have arrested you'")."""
    if question.kind != "number" or not question.unit:
        return False
    return not any(has_quantity(c.quote, question.unit) for c in answer.citations)


def _misses_the_topic(question: Question, answer: Answer) -> bool:
    """A "what did X say about Y" answer none of whose sentences touches Y: with no words of
    X's on record the question is answered as an ordinary one, and a sentence that merely
    names X ("the mysteries surrounding the Pope") says nothing about Y."""
    if question.kind != "say" or not question.topic:
        return False
    wanted = set(terms(question.topic))
    have = set().union(*(sentence_terms(c.quote) for c in answer.citations))
    return bool(wanted) and not any(_stem_meets(t, have) for t in wanted)


def _cited(answer: Answer, articles: Mapping[str, Article]) -> list[Article]:
    """The cited articles, those of them found in `articles`."""
    return [articles[c.article_id] for c in answer.citations if c.article_id in articles]


def _cited_years(answer: Answer, articles: Mapping[str, Article]) -> set[str]:
    """The years the cited articles were published in."""
    return {a.published[:4] for a in _cited(answer, articles) if a.published}


def _cited_terms(answer: Answer, articles: Mapping[str, Article]) -> set[str]:
    """Every term of the cited articles, headlines included."""
    return set().union(*(set(terms(f"{a.title} {a.text}")) for a in _cited(answer, articles)))


def _mentioned(head: set[str], have: set[str]) -> bool:
    """Whether every term of a name's `head` is among `have`, a stem counting for its word."""
    return all(_stem_meets(t, have) for t in head)


def _stem_meets(term: str, have: set[str], least: int = 4) -> bool:
    if term in have:
        return True
    if len(term) < least:
        return False
    return any(len(h) >= least and (h.startswith(term) or term.startswith(h)) for h in have)


def _recency(candidates: Sequence[Candidate]) -> dict[str, float]:
    """Each publication date's place among the candidates', 0 (oldest) to 1 (newest)."""
    dates = sorted({c.article.published for c in candidates if c.article.published})
    if len(dates) < 2:
        return {}
    return {d: i / (len(dates) - 1) for i, d in enumerate(dates)}


def _local_idf(wanted: set[str], sentences: Sequence[set[str]]) -> dict[str, float]:
    """Weights of the question's terms among the candidate sentences: a word every candidate
    shares (the story's protagonist) tells less than the one word only the answer has."""
    n = len(sentences)
    weights = {}
    for t in wanted:
        df = sum(t in have for have in sentences)
        if df:  # a word no candidate has cannot tell them apart
            weights[t] = math.log(1.0 + (n + 1) / (1 + df))
    return weights
