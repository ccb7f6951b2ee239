"""Baselines scored by the same harness: BM25 alone, dense alone, the plain LangChain recipe."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from typing import Any

from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter
from tqdm import tqdm

from retrieval.evaluation.goldset import ArticleRef, EvalQuestion, Ranking
from retrieval.evaluation.harness import Response
from retrieval.models import Article, Chunk
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)

ANSWER_PASSAGES = 3
"""A baseline "answers" with its top passages joined; its sources are their articles."""
RECIPE_CHUNK_SIZE = 1000
RECIPE_CHUNK_OVERLAP = 200
RECIPE_COLLECTION = "recipe"
_ADD_BATCH = 512


def _response(
    texts: Sequence[str],
    refs: Sequence[ArticleRef],
    latency: float,
    passages: int = ANSWER_PASSAGES,
) -> Response:
    answer = "\n\n".join(texts[:passages])
    return Response(
        found=bool(texts),
        answer=answer,
        texts=(answer,),
        cited=Ranking.of(refs[:passages]).articles,
        retrieved=tuple(refs),
        latency_s=latency,
    )


def _chunk_response(
    chunks: Sequence[Chunk], latency: float, passages: int = ANSWER_PASSAGES
) -> Response:
    refs = [ArticleRef.of_chunk(c) for c in chunks]
    return _response([c.text for c in chunks], refs, latency, passages)


class Bm25System:
    """BM25 alone over our own chunks (the lexical half of our hybrid search). It answers
    with its top `passages`: one passage reads about as many words as our answers."""

    def __init__(
        self, newsbot: Newsbot, name: str = "bm25", passages: int = ANSWER_PASSAGES
    ) -> None:
        if passages < 1:
            raise ValueError(f"passages must be at least 1, got {passages}")
        self.newsbot = newsbot
        self.name = name
        self.passages = passages

    def respond(self, question: EvalQuestion, k: int) -> Response:
        start = time.perf_counter()
        snapshot = self.newsbot.catalog.current()
        ranked = snapshot.lexical.top(question.question, k)
        chunks = [snapshot.chunks[cid] for cid, _ in ranked if cid in snapshot.chunks]
        return _chunk_response(chunks, time.perf_counter() - start, self.passages)


class DenseSystem:
    """Dense ranking alone over our own Chroma chunks (the other half of our hybrid)."""

    def __init__(self, newsbot: Newsbot, name: str = "dense") -> None:
        self.newsbot = newsbot
        self.name = name

    def respond(self, question: EvalQuestion, k: int) -> Response:
        start = time.perf_counter()
        snapshot = self.newsbot.catalog.current()
        vector = self.newsbot.embedder.encode([question.question])[0]
        ranked = self.newsbot.store.query(vector, k)
        chunks = [snapshot.chunks[cid] for cid, _ in ranked if cid in snapshot.chunks]
        return _chunk_response(chunks, time.perf_counter() - start)


class RecipeSystem:
    """The plain LangChain recipe: 1,000-character chunks with 200 overlap in Chroma,
    `similarity_search(question, k)`, and the top passages as the answer."""

    def __init__(self, store: Chroma, name: str = "langchain") -> None:
        self.store = store
        self.name = name

    def respond(self, question: EvalQuestion, k: int) -> Response:
        start = time.perf_counter()
        docs = self.store.similarity_search(question.question, k=k)
        latency = time.perf_counter() - start
        refs = [
            ArticleRef(
                str(d.metadata["article_id"]),
                str(d.metadata.get("title", "")),
                d.metadata.get("url"),
                d.metadata.get("source"),
            )
            for d in docs
        ]
        return _response([d.page_content for d in docs], refs, latency)


def build_recipe_index(
    store: Chroma, articles: Sequence[Article], *, progress: bool = False
) -> int:
    """Split every article's text the recipe's way and add the pieces to `store`."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=RECIPE_CHUNK_SIZE, chunk_overlap=RECIPE_CHUNK_OVERLAP
    )
    texts: list[str] = []
    metadatas: list[dict[str, Any]] = []
    ids: list[str] = []
    for article in articles:
        meta: dict[str, Any] = {"article_id": article.article_id, "title": article.title}
        for key in ("url", "source", "published"):
            value = getattr(article, key)
            if value:
                meta[key] = value
        for i, piece in enumerate(splitter.split_text(article.text)):
            texts.append(piece)
            metadatas.append(meta)
            ids.append(f"{article.article_id}:{i}")
    batches = range(0, len(texts), _ADD_BATCH)
    for i in tqdm(
        batches,
        desc="recipe index",
        unit="batch",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    ):
        store.add_texts(
            texts[i : i + _ADD_BATCH],
            metadatas=metadatas[i : i + _ADD_BATCH],
            ids=ids[i : i + _ADD_BATCH],
        )
    return len(texts)
