"""LangChain retrievers: `NewsRetriever` (the hybrid search) and `NewsAnswerRetriever` (the
cited answer)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from retrieval.errors import InputError
from retrieval.models import Answer, Citation, Passage
from retrieval.questions import validate
from retrieval.search import HybridSearcher
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)

MAX_K = 50


def passage_document(passage: Passage) -> Document:
    """A LangChain Document for one passage; metadata carries the citation fields."""
    chunk = passage.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.chunk_id,
        metadata={
            "article_id": chunk.article_id,
            "title": chunk.title,
            "source": chunk.source,
            "published": chunk.published,
            "url": chunk.url,
            "start": chunk.start,
            "end": chunk.end,
            "score": passage.score,
        },
    )


class NewsRetriever(BaseRetriever):
    """Dense + BM25 hybrid retrieval over the news index, for LangChain chains. A query that
    names a period ("this week", "in June 2024") ranks that period's articles first, and
    "latest" favours recent ones, as `Newsbot.ask` does; with `where`, the filter decides.

    >>> from retrieval import Newsbot, NewsRetriever
    >>> bot = Newsbot.open()                                      # doctest: +SKIP
    >>> retriever = NewsRetriever(searcher=bot.searcher, k=4)     # doctest: +SKIP
    >>> retriever.invoke("Putin South Korea")[0].metadata["source"]  # doctest: +SKIP
    'Financial Times'
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = Field(default=5, ge=1, le=MAX_K)
    where: dict[str, Any] | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        where: dict[str, Any] | None = None,
        **_: Any,
    ) -> list[Document]:
        """`retriever.invoke(query, k=3, where={...})` overrides the fields for one call."""
        # The same checks as `Newsbot.search`: an empty or oversized query is an error here too.
        query = validate(query)
        k = self.k if k is None else k
        if k > MAX_K:  # k < 1 is the searcher's to refuse, as for every search
            raise InputError(f"k must be at most {MAX_K}, got {k}; ask for fewer passages")
        where = self.where if where is None else where
        if where is None:
            passages = self.searcher.search_in_time(query, k=k)
        else:
            passages = self.searcher.search(query, k=k, where=where)
        return [passage_document(p) for p in passages]


def citation_document(citation: Citation, answer: Answer) -> Document:
    """A LangChain Document for one citation: the quoted sentences, with the answer's text
    and the citation's fields as metadata."""
    return Document(
        page_content=citation.quote,
        metadata={
            **{k: v for k, v in citation.to_dict().items() if k != "quote"},
            "answer": answer.text,
        },
    )


class NewsAnswerRetriever(BaseRetriever):
    """The sentences that answer a query, one Document per citation of `Newsbot.ask`, and
    none when the indexed articles don't answer it: a chain built on it never hands a model
    unrelated passages to improvise from. Periods, outlets ("What did the FT say about …")
    and who-said-what are read as `ask` reads them.

    >>> from retrieval import Newsbot, NewsAnswerRetriever
    >>> retriever = NewsAnswerRetriever(bot=Newsbot.open())              # doctest: +SKIP
    >>> [d.metadata["source"] for d in retriever.invoke("What did Putin say about South Korea?")]
    ... # doctest: +SKIP
    ['Financial Times', 'Arab News']
    >>> retriever.invoke("What's the weather in Paris?")                  # doctest: +SKIP
    []
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bot: Newsbot
    k: int = Field(default=5, ge=5, le=MAX_K)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        previous: str | None = None,
        today: date | None = None,
        **_: Any,
    ) -> list[Document]:
        """`retriever.invoke(query, previous=..., today=...)` as for `Newsbot.ask`."""
        answer = self.bot.ask(query, k=self.k, previous=previous, today=today)
        if not answer.found:
            return []
        return [citation_document(c, answer) for c in answer.citations]
