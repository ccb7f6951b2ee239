"""The Chroma vector store: an embedded PersistentClient, or an HttpClient to a Chroma server."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma

from retrieval.embedding import ChromaEmbeddingFunction, Embedder
from retrieval.errors import StoreUnavailableError
from retrieval.models import Chunk

logger = logging.getLogger(__name__)


def make_client(*, path: Path | None = None, host: str | None = None, port: int = 8000) -> Any:
    """A Chroma client with telemetry off: a server's when `host` is given, else embedded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
        except Exception as err:  # chromadb raises bare ValueError/ConnectionError variants
            raise StoreUnavailableError(f"{host}:{port}", _first_line(err)) from err
    if path is None:
        raise ValueError("make_client needs a path for the embedded store or a host")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class ChunkStore:
    """Chunk vectors in one Chroma collection (cosine space), written in batches the server
    accepts. `langchain` exposes the same collection as a LangChain vector store."""

    def __init__(self, client: Any, embedder: Embedder, collection: str = "news") -> None:
        if not collection:
            raise ValueError("collection name must not be empty")
        self.client = client
        self.embedder = embedder
        self.collection_name = collection
        try:
            self.collection = client.get_or_create_collection(
                name=collection,
                embedding_function=ChromaEmbeddingFunction(embedder),
                metadata={"hnsw:space": "cosine"},
            )
            self._max_batch = int(client.get_max_batch_size())
        except Exception as err:
            raise StoreUnavailableError(self._describe(), _first_line(err)) from err
        self.langchain = Chroma(
            client=client, collection_name=collection, embedding_function=embedder
        )

    def _describe(self) -> str:
        settings = getattr(self.client, "get_settings", lambda: None)()
        host = getattr(settings, "chroma_server_host", None)
        if host:
            return f"{host}:{getattr(settings, 'chroma_server_http_port', '')}"
        return str(getattr(settings, "persist_directory", "the local store"))

    def count(self) -> int:
        return int(self._call(self.collection.count))

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), self._max_batch):
            batch = chunks[i : i + self._max_batch]
            self._call(
                self.collection.upsert,
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[i : i + len(batch)],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), self._max_batch):
            self._call(self.collection.delete, ids=list(chunk_ids[i : i + self._max_batch]))

    def existing_ids(self, chunk_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(chunk_ids), self._max_batch):
            got = self._call(
                self.collection.get, ids=list(chunk_ids[i : i + self._max_batch]), include=[]
            )
            found.update(got["ids"])
        return found

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the `k` nearest chunks."""
        total = self.count()
        if total == 0:
            return []
        result = self._call(
            self.collection.query,
            query_embeddings=[vector],
            n_results=min(k, total),
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreUnavailableError:
            raise
        except Exception as err:
            if _is_connection_error(err):
                raise StoreUnavailableError(self._describe(), _first_line(err)) from err
            raise


def _is_connection_error(err: BaseException) -> bool:
    import httpx

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, httpx.TransportError | ConnectionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "Could not connect" in str(err)
