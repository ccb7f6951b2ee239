"""`NewsRetriever`: the hybrid search as a LangChain `BaseRetriever`."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from retrieval.models import Passage
from retrieval.questions import validate
from retrieval.search import HybridSearcher

logger = logging.getLogger(__name__)


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
    k: int = Field(default=5, ge=1, le=50)
    where: dict[str, Any] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        # The same checks as `Newsbot.search`: an empty or oversized query is an error here too.
        query = validate(query)
        if self.where is None:
            passages = self.searcher.search_in_time(query, k=self.k)
        else:
            passages = self.searcher.search(query, k=self.k, where=self.where)
        return [passage_document(p) for p in passages]
