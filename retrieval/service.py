"""`Newsbot`: the one object front ends use: ingest files, ask questions, list sources."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from retrieval.answer_config import AnswerConfig
from retrieval.answering import NOT_FOUND, Answerer
from retrieval.catalog import Catalog, Snapshot
from retrieval.digest import digest
from retrieval.embedding import Embedder
from retrieval.errors import ClosedError, DataDirError
from retrieval.manifest import Manifest
from retrieval.models import Answer, Article, ArticleInfo, IndexStats, IngestReport, Passage
from retrieval.news_requests import (
    looks_like_outlet,
    news_request,
    outlet_in_prose,
    outlet_like_mentioned,
    outlet_mentioned,
    outlet_named,
)
from retrieval.questions import (
    Question,
    asks_for_news,
    contextualize,
    is_digest,
    parse,
    validate,
)
from retrieval.quote_requests import QuoteSearch, search_quotes
from retrieval.quotes import Quote, QuoteBook
from retrieval.said_passages import MOST_WEIGHED, with_said_passages
from retrieval.search import HybridSearcher, SearchConfig
from retrieval.settings import Settings
from retrieval.store import ChunkStore, make_client
from retrieval.timeframe import Timeframe, timeframe
from retrieval.undated import with_undated_caveat
from retrieval.writer import IndexWriter

logger = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")
# A decline for an outlet not indexed lists this many of those that are.
_OUTLETS_LISTED = 5


def _while_open(
    method: Callable[Concatenate[Newsbot, _P], _R],
) -> Callable[Concatenate[Newsbot, _P], _R]:
    """A closed Newsbot refuses work in one clear error, instead of half-working on
    reconnected databases."""

    @functools.wraps(method)
    def checked(self: Newsbot, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if self.closed:
            raise ClosedError()
        return method(self, *args, **kwargs)

    return checked


class Newsbot:
    """Front-end facade over the index, the hybrid retriever and the answerer.

    Thread-safe: `ask`/`search`/`sources`/`stats` may run concurrently from worker threads;
    `ingest` takes the writer lock (one writer per data folder, across processes) and makes
    new articles answerable as soon as it returns.

    >>> from retrieval import Newsbot
    >>> bot = Newsbot.open()                                         # doctest: +SKIP
    >>> bot.ingest(["seeds/"]).summary()                             # doctest: +SKIP
    'articles: 7 new, 0 changed, 0 unchanged; chunks written: 35'
    >>> print(bot.ask("What did Putin say about South Korea?").text)  # doctest: +SKIP
    >>> bot.close()                                                  # doctest: +SKIP

    `with Newsbot.open() as bot:` closes it at the end of the block.
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
        self.closed = False

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        search_config: SearchConfig | None = None,
        answer_config: AnswerConfig | None = None,
    ) -> Newsbot:
        """Build everything from settings; pass `embedder` to share one loaded model, and the
        configs to tune search and answering."""
        settings = settings or Settings()
        if settings.data_dir.exists() and not settings.data_dir.is_dir():
            raise DataDirError(settings.data_dir)
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
            search_config=search_config,
            answer_config=answer_config,
        )
        bot.finish_interrupted_write()
        return bot

    # Writing ---------------------------------------------------------------

    @_while_open
    def ingest(
        self,
        paths: Sequence[str | Path] | str | Path,
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

    @_while_open
    def ingest_files(
        self,
        read: Mapping[Path, Sequence[Article]],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index files already read: each path with the articles `read_articles` found in it
        (the command line reads every file to check it before opening the index)."""
        return self.writer.ingest_files(read, progress=progress, on_batch_done=on_batch_done)

    @_while_open
    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        progress: bool = False,
        on_batch_done: Callable[[Sequence[Article]], None] | None = None,
    ) -> IngestReport:
        """Index `articles`; `on_batch_done` hears of each batch once it is durable."""
        return self.writer.add_articles(articles, progress=progress, on_batch_done=on_batch_done)

    @_while_open
    def remove(self, article_ids: Sequence[str]) -> int:
        """Remove articles by id (as `sources()` lists them); returns how many went."""
        return self.writer.remove(article_ids)

    def finish_interrupted_write(self) -> IngestReport | None:
        """Repair and finish a write that died, before anything reads the store."""
        return self.writer.finish_interrupted_write()

    def _after_write(self) -> None:
        self.catalog.invalidate()
        self.quote_book.sync()

    # Reading ---------------------------------------------------------------

    @_while_open
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
        week" and "latest" (default: the real today). `k` is how many passages the answerer
        reads, at least 5."""
        asked = validate(question)
        effective = contextualize(asked, validate(previous) if previous else None)
        if is_digest(effective):
            return digest(asked, self.manifest, timeframe(effective, today))
        newest = self._outlet_digest(asked, effective, today)
        if newest is not None:
            return newest
        read = self._news_request(asked, effective)
        if isinstance(read, Answer):
            return read
        effective, outlet = read
        where = {"source": outlet} if outlet else None
        period = timeframe(effective, today)
        parsed = _parsed(effective, period)
        passages = with_said_passages(
            self._search_in_time(effective, max(k, 5), today, where),
            parsed,
            lambda speaker, topic: self.quote_book.find(speaker, topic, limit=MOST_WEIGHED),
            self.catalog.current,
            outlet,
        )
        answer = self.answerer.answer(parsed, _timely(passages, period))
        if answer.found:
            answer = self._stale(asked, answer, period) or with_undated_caveat(answer, period)
        else:
            answer = self._stale_without_period(asked, effective, period, k, today, where) or answer
        if outlet and answer.text == NOT_FOUND:
            answer = Answer(
                asked, f"{NOT_FOUND.removesuffix('.')} from {outlet_in_prose(outlet)}.", False
            )
        if effective != asked:
            answer = Answer(asked, answer.text, answer.found, answer.citations)
        return answer

    def _outlet_digest(self, asked: str, question: str, today: date | None) -> Answer | None:
        """ "What's new from the FT?", "Arab News headlines", "What did the FT say?": the
        leads of the newest articles, as for "What's new?", from that outlet only."""
        said = parse(question)
        whole = said.kind == "say" and said.speaker is not None and not said.topic
        if not whole and not asks_for_news(question):
            return None  # the cheap test first: most questions ask about something
        snapshot = self.catalog.current()
        named = outlet_mentioned(question, snapshot.sources)
        if named is None:
            speaker = said.speaker if whole else None
            return self._unindexed_outlet_digest(asked, question, speaker, snapshot.sources)
        outlet, rest = named
        if not is_digest(rest) and not (whole and outlet_named(said.speaker or "", (outlet,))):
            return None
        articles = _OutletArticles(snapshot, self.manifest, outlet)
        return digest(asked, articles, timeframe(question, today))

    def _unindexed_outlet_digest(
        self, asked: str, question: str, speaker: str | None, sources: Sequence[str]
    ) -> Answer | None:
        """ "What's new from CNN?" with no CNN article indexed: the outlets there are, rather
        than a decline that leaves the asker guessing whether CNN had no news."""
        name = speaker
        if name is None:
            mentioned = outlet_like_mentioned(question)
            if mentioned is None or not is_digest(mentioned[1]):
                return None
            name = mentioned[0]
        return self._not_indexed(asked, name, sources)

    def _not_indexed(self, asked: str, name: str, sources: Sequence[str]) -> Answer | None:
        """The decline naming the outlets there are, when `name` looks like a publication
        that nobody is quoted as; None otherwise ("the Royal Mail" may be a company the
        articles quote, and the question is theirs to answer)."""
        if not looks_like_outlet(name) or self.quote_book.find(name, limit=1):
            return None
        return Answer(asked, _no_articles_from(name, sources), False)

    def _news_request(self, asked: str, question: str) -> tuple[str, str | None] | Answer:
        """The question to answer and the outlet to answer it from. "What do the articles say
        about Ukraine?" asks about Ukraine; "What did the FT say about the pact?" asks about
        the pact in the Financial Times' articles. A publication that no article comes from
        and nobody is quoted as ("What did the New York Times say …?") gets a decline naming
        the outlets there are, rather than other outlets' words."""
        request = news_request(question)
        if request is None:
            return question, None
        if request.reporter is None:
            return request.asked, None
        sources = self.catalog.current().sources
        outlet = outlet_named(request.reporter, sources)
        if outlet is not None:
            return request.asked, outlet
        if not request.attributed and (
            declined := self._not_indexed(asked, request.reporter, sources)
        ):
            return declined
        return question, None

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
        self,
        asked: str,
        question: str,
        period: Timeframe,
        k: int,
        today: date | None,
        where: dict[str, Any] | None,
    ) -> Answer | None:
        """For a declined "… this week?": the stale-period decline when the question without
        its period is answered, and only from older articles. Words such as "week" can be
        what sinks the answer, and "nothing from that time" tells the asker more than
        "nothing"."""
        untimed = period.untimed(question)
        if untimed is None:
            return None
        passages = self._search_in_time(untimed, max(k, 5), today, where)
        answer = self.answerer.answer(_parsed(untimed, period), passages)
        return self._stale(asked, answer, period) if answer.found else None

    @_while_open
    def search(
        self, query: str, *, k: int = 5, where: dict[str, Any] | None = None
    ) -> list[Passage]:
        """The `k` best passages for `query`; `where` filters on chunk metadata as Chroma
        does (see `HybridSearcher.search`), e.g. `{"source": "BBC"}`."""
        return self.searcher.search(validate(query), k=k, where=where)

    @_while_open
    def search_in_time(
        self,
        query: str,
        *,
        k: int = 5,
        today: date | None = None,
        where: dict[str, Any] | None = None,
    ) -> list[Passage]:
        """Search, favouring the period the query names and, for "latest", recent articles
        (see `HybridSearcher.search_in_time`); `where` filters as in `search`."""
        return self._search_in_time(validate(query), k, today, where)

    def _search_in_time(
        self, query: str, k: int, today: date | None, where: dict[str, Any] | None
    ) -> list[Passage]:
        vector = self.answerer.embed([query])[0]  # cached: the answerer embeds it again
        return self.searcher.search_in_time(
            query, k=k, today=today, where=where, query_vector=vector
        )

    @_while_open
    def quotes(self, speaker: str, topic: str | None = None, *, limit: int = 20) -> list[Quote]:
        """What `speaker` said in the indexed articles, about `topic` if given."""
        return self.quote_book.find(speaker, topic, limit=limit)

    @_while_open
    def find_quotes(self, request: str, *, limit: int = 20) -> QuoteSearch:
        """What a free-text request asks for ("putin korea", "Putin about South Korea"):
        the speaker and topic it was read as, and up to `limit` of their statements."""
        return search_quotes(
            request, lambda who, topic, n: self.quote_book.find(who, topic, limit=n), limit=limit
        )

    @_while_open
    def speakers(self, limit: int | None = None) -> list[tuple[str, int]]:
        """The people quoted in the indexed articles, with their statement counts, most first."""
        return self.quote_book.speakers(limit)

    @_while_open
    def sources(self) -> list[ArticleInfo]:
        """Every indexed article: id, title, outlet, date, URL and chunk count."""
        return self.manifest.infos()

    @_while_open
    def stats(self) -> IndexStats:
        """How many articles and chunks the index holds, their outlets and newest date."""
        return self.manifest.stats()

    @_while_open
    def article(self, article_id: str) -> Article | None:
        """One indexed article with its text, or None for an unknown id."""
        return self.manifest.article(article_id)

    def close(self) -> None:
        """Close the databases; any later call raises `ClosedError`. Closing twice is fine."""
        if not self.closed:
            self.closed = True
            self.quote_book.close()
            self.manifest.close()

    def __enter__(self) -> Newsbot:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _parsed(question: str, period: Timeframe) -> Question:
    """`question` as the answerer reads it, "latest" taken from its timeframe."""
    return replace(parse(question), latest=period.latest)


class _OutletArticles:
    """The newest articles of one outlet, for `digest`."""

    def __init__(self, snapshot: Snapshot, manifest: Manifest, outlet: str) -> None:
        self._snapshot = snapshot
        self._manifest = manifest
        self._outlet = outlet

    def newest(
        self, limit: int, *, first: str | None = None, last: str | None = None
    ) -> list[ArticleInfo]:
        return self._snapshot.newest_from(self._outlet, limit, first=first, last=last)

    def article(self, article_id: str) -> Article | None:
        return self._manifest.article(article_id)


def _no_articles_from(name: str, sources: Sequence[str]) -> str:
    """The decline for an outlet not indexed, naming those that are ("None of the indexed
    articles is from the New York Times; they are from Arab News and the Financial
    Times.")."""
    if not sources:
        return f"None of the indexed articles is from {name}."
    shown = [outlet_in_prose(source) for source in sources[:_OUTLETS_LISTED]]
    if len(sources) > len(shown):
        shown.append(f"{len(sources) - len(shown)} more outlets")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"None of the indexed articles is from {name}; they are from {listed}."


def _timely(passages: list[Passage], period: Timeframe) -> list[Passage]:
    """The passages whose articles can tell the period counted back from today: news from
    2024 says nothing of "this week" in 2026, while an undated article might. When none
    can, all stay, so that the answer's decline can say how old the newest is. A period
    the search does not steer by (only implied: "prices are now falling") leaves them all."""
    if not period.bounded:
        return passages
    kept = [p for p in passages if not period.rules_out(p.chunk.published)]
    return kept or passages
