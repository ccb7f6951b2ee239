"""Child task for the baseline: the plain LangChain recipe on the same files and model."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from benchmarks.newsbench.common import summary_ms
from benchmarks.newsbench.loading import load_embedder

logger = logging.getLogger(__name__)


def task_recipe(spec: dict[str, Any]) -> dict[str, Any]:
    """The plain LangChain recipe on the same files and model: RecursiveCharacterTextSplitter
    (1000, 200), `Chroma.add_texts`, `similarity_search(q, k=5)`."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.ingest import discover_files, read_articles
    from retrieval.store import make_client

    embedder = load_embedder(spec["backend"])
    start = time.perf_counter()
    articles = [
        a for f in discover_files(spec["paths"]) for a in read_articles(f, errors="replace")
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    metadatas: list[dict[str, Any]] = []
    for article in articles:
        for piece in splitter.split_text(article.text):
            texts.append(piece)
            metadatas.append({"article_id": article.article_id, "title": article.title})
    # The recipe's own Chroma, with telemetry off like ours (no network here).
    # `from_texts` splits the upsert into batches Chroma accepts; `add_texts` does not.
    store = Chroma.from_texts(
        texts,
        embedder,
        metadatas=metadatas,
        client=make_client(path=Path(spec["data_dir"])),
        collection_name="recipe",
    )
    ingest_s = time.perf_counter() - start
    questions: list[str] = spec["questions"]
    for q in questions[:10]:
        store.similarity_search(q, k=5)
    times: list[float] = []
    for q in questions:
        start = time.perf_counter()
        store.similarity_search(q, k=5)
        times.append(time.perf_counter() - start)
    return {
        "backend": spec["backend"],
        "articles": len(articles),
        "chunks": len(texts),
        "ingest_s": round(ingest_s, 2),
        "search": summary_ms(times),
    }
