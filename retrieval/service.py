"""`Newsbot`: the one object front ends use: ingest files, ask questions, list sources."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from retrieval.answer_config import AnswerConfig
from retrieval.answering import NOT_FOUND, Answerer
from retrieval.catalog import Catalog
from retrieval.digest import digest, is_digest
from retrieval.embedding import Embedder
from retrieval.manifest import Manifest
from retrieval.models import Answer, Article, ArticleInfo, IndexStats, IngestReport, Passage
from retrieval.questions import Question, contextualize, parse, validate
from retrieval.quote_requests import QuoteSearch, search_quotes
from retrieval.quotes import Quote, QuoteBook
from retrieval.search import HybridSearcher, SearchConfig
from retrieval.settings import Settings
from retrieval.store import ChunkStore, make_client
from retrieval.timeframe import Timeframe, timeframe
from retrieval.writer import IndexWriter

logger = logging.getLogger(__name__)


class Newsbot:
    """Front-end facade over the index, the hybrid retriever and the answerer.

    Thread-safe: `ask`/`search`/`sources`/`stats` may run concurrently from worker threads;
    `ingest` takes the writer lock (one writer per data folder, across processes) and makes
    new articles answerable as soon as it returns.

    >>> from retrieval import Newsbot
    >>> bot = Newsbot.open()                                         # doctest: +SKIP
    >>> bot.ingest(["seeds/"]).summary()                             # doctest: +SKIP
    'articles: 7 new, 0 changed, 0 unchanged; chunks written: 40'
    >>> print(bot.ask("What did Putin say about South Korea?").text)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        manifest: Manifest,
        store: ChunkStore,
        embedder: Embedder,
        lock_path: Path,
        search_config: SearchConfig | None = None,
        answer_config: AnswerConfig | None = None,
    ) -> None:
        self.manifest = manifest
        self.store = store
        self.embedder = embedder
        self.catalog = Catalog(manifest)
        self.searcher = HybridSearcher(store, embedder, self.catalog, search_config)
        self.answerer = Answerer(embedder, manifest.articles, self.catalog.rarity, answer_config)
        self.quote_book = QuoteBook(lock_path.parent / "quotes.sqlite3", manifest)
        self.writer = IndexWriter(
            manifest, store, embedder, lock_path, after_write=self._after_write
        )

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder: Embedder | None = None) -> Newsbot:
        """Build everything from settings; pass `embedder` to share one loaded model."""
        settings = settings or Settings()
        embedder = embedder or Embedder(
            settings.embedding_model, backend=settings.embedding_backend
        )
        client = make_client(
            path=settings.chroma_dir, host=settings.chroma_host, port=settings.chroma_port
        )
        bot = cls(
            manifest=Manifest(settings.manifest_path),
            store=ChunkStore(client, embedder, settings.collection),
            embedder=embedder,
            lock_path=settings.data_dir / "writer.lock",
        )
        bot.finish_interrupted_write()
        return bot

    # Writing ---------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        progress: bool = False,
        errors: Literal["strict", "replace"] = "strict",
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index the articles in `paths` (files or folders). Every file is read and checked
        before anything is written, so bad input leaves the index untouched."""
        return self.writer.ingest(
            paths, progress=progress, errors=errors, on_batch_done=on_batch_done
        )

    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index `articles`; `on_batch_done` hears of each batch once it is durable."""
        return self.writer.add_articles(articles, progress=progress, on_batch_done=on_batch_done)

    def remove(self, article_ids: Sequence[str]) -> int:
        return self.writer.remove(article_ids)

    def finish_interrupted_write(self) -> IngestReport | None:
        """Repair and finish a write that died, before anything reads the store."""
        return self.writer.finish_interrupted_write()

    def _after_write(self) -> None:
        self.catalog.invalidate()
        self.quote_book.sync()

    # Reading ---------------------------------------------------------------

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        previous: str | None = None,
        today: date | None = None,
    ) -> Answer:
        """Answer `question` from the index; `previous` is the chat's last question, so that
        follow-ups such as "and what did Kim say?" are understood; `today` anchors "this
        week" and "latest" (default: the real today)."""
        asked = validate(question)
        effective = contextualize(asked, validate(previous) if previous else None)
        period = timeframe(effective, today)
        if is_digest(effective):
            return digest(asked, self.manifest, period)
        passages = self.search_in_time(effective, k=max(k, 5), today=today)
        answer = self.answerer.answer(_parsed(effective, period), passages)
        if answer.found:
            answer = self._stale(asked, answer, period) or answer
        else:
            answer = self._stale_without_period(asked, effective, period, k, today) or answer
        if effective != asked:
            answer = Answer(asked, answer.text, answer.found, answer.citations)
        return answer

    @staticmethod
    def _stale(asked: str, answer: Answer, period: Timeframe) -> Answer | None:
        """The decline for an answer whose every article is too old for the asked period,
        saying how old the newest is; None when some article tells the period."""
        if not answer.citations or not all(period.rules_out(c.published) for c in answer.citations):
            return None
        logger.debug("declined: every cited article lies outside %s", period)
        newest = max(c.published or "" for c in answer.citations)
        return Answer(
            asked,
            f"{NOT_FOUND.removesuffix('.')} from that time; the newest article on it is "
            f"from {newest}.",
            False,
        )

    def _stale_without_period(
        self, asked: str, question: str, period: Timeframe, k: int, today: date | None
    ) -> Answer | None:
        """For a declined "… this week?": the stale-period decline when the question without
        its period is answered, and only from older articles. Words such as "week" can be
        what sinks the answer, and "nothing from that time" tells the asker more than
        "nothing"."""
        untimed = period.untimed(question)
        if untimed is None:
            return None
        passages = self.search_in_time(untimed, k=max(k, 5), today=today)
        answer = self.answerer.answer(_parsed(untimed, period), passages)
        return self._stale(asked, answer, period) if answer.found else None

    def search(
        self, query: str, *, k: int = 5, where: dict[str, Any] | None = None
    ) -> list[Passage]:
        return self.searcher.search(validate(query), k=k, where=where)

    def search_in_time(self, query: str, *, k: int = 5, today: date | None = None) -> list[Passage]:
        """Search, favouring the period the query names and, for "latest", recent articles.

        A named period ranks its articles first rather than excluding the rest: "When did
        France ban headscarves in 2004?" is answered by background in a 2025 article too.
        """
        query = validate(query)
        period = timeframe(query, today)
        vector = self.answerer.embed([query])[0]
        passages = self.searcher.search(
            query, k=k, query_vector=vector, prefer_recent=period.latest
        )
        if not period.bounded:
            return passages
        inside = self.searcher.search(
            query, k=k, query_vector=vector, where=period.where(), prefer_recent=period.latest
        )
        seen = {p.chunk.chunk_id for p in inside}
        merged = inside + [p for p in passages if p.chunk.chunk_id not in seen]
        return merged[: max(k, len(inside))]

    def quotes(self, speaker: str, topic: str | None = None, *, limit: int = 20) -> list[Quote]:
        """What `speaker` said in the indexed articles, about `topic` if given."""
        return self.quote_book.find(speaker, topic, limit=limit)

    def find_quotes(self, request: str, *, limit: int = 20) -> QuoteSearch:
        """What a free-text request asks for ("putin korea", "Putin about South Korea"):
        the speaker and topic it was read as, and up to `limit` of their statements."""
        return search_quotes(
            request, lambda who, topic, n: self.quote_book.find(who, topic, limit=n), limit=limit
        )

    def speakers(self, limit: int | None = None) -> list[tuple[str, int]]:
        """The people quoted in the indexed articles, with their statement counts, most first."""
        return self.quote_book.speakers(limit)

    def sources(self) -> list[ArticleInfo]:
        return self.manifest.infos()

    def stats(self) -> IndexStats:
        return self.manifest.stats()

    def article(self, article_id: str) -> Article | None:
        return self.manifest.article(article_id)

    def close(self) -> None:
        self.quote_book.close()
        self.manifest.close()


def _parsed(question: str, period: Timeframe) -> Question:
    """`question` as the answerer reads it, "latest" taken from its timeframe."""
    return replace(parse(question), latest=period.latest)
