"""The Chroma vector store, embedded or a server (its repair is in `store_repair`)."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma

from retrieval.embedding import ChromaEmbeddingFunction, Embedder
from retrieval.errors import ForeignCollectionError, StoreUnavailableError
from retrieval.models import Chunk

logger = logging.getLogger(__name__)

# Seconds a request to a Chroma server may take; chromadb itself would wait forever on a
# server that accepts connections but never answers (stopped, overloaded).
DEFAULT_HTTP_TIMEOUT = 60.0
# Ids fetched per request when listing the whole collection.
_PAGE = 5000


def _similarities(result: Any) -> list[tuple[str, float]]:
    """(chunk_id, cosine similarity) pairs of a one-vector Chroma query result."""
    ids = result["ids"][0]
    distances = result["distances"][0]
    return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]


def make_client(
    *,
    path: Path | None = None,
    host: str | None = None,
    port: int = 8000,
    timeout: float | None = DEFAULT_HTTP_TIMEOUT,
) -> Any:
    """A Chroma client with telemetry off: a server's when `host` is given, else embedded.
    `timeout` bounds each request to a server (None: wait forever)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
        except Exception as err:  # chromadb raises bare ValueError/ConnectionError variants
            raise StoreUnavailableError(f"{host}:{port}", _first_line(err)) from err
        _set_http_timeout(client, timeout)
        return client
    if path is None:
        raise ValueError("make_client needs a path for the embedded store or a host")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _set_http_timeout(client: Any, timeout: float | None) -> None:
    import httpx

    # chromadb builds its httpx session with timeout=None and offers no setting for it.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout)
    else:
        logger.debug("cannot set a request timeout on %s", type(client).__name__)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


DEFAULT_SYNC_THRESHOLD = 10


def hnsw_saving(sync_threshold: int = DEFAULT_SYNC_THRESHOLD) -> dict[str, int]:
    """Chroma's HNSW settings for saving the graph every `sync_threshold` writes (see
    `ChunkStore`), as `configuration={"hnsw": ...}` takes them; prefix each key with "hnsw:"
    for collection metadata."""
    return {"sync_threshold": sync_threshold, "batch_size": min(sync_threshold, 100)}


class ChunkStore:
    """Chunk vectors in one Chroma collection (cosine space), written in batches of at most
    `max_batch` (and never more than the client accepts). `langchain` exposes the same
    collection as a LangChain vector store.

    `sync_threshold` sets how many writes Chroma's embedded HNSW index buffers before saving
    its files; a collection created with another is switched to it when opened. Ours is 10,
    not Chroma's 1000:
    the writes not yet saved are inserted into the graph again, in parallel, each time the
    index is opened, so every process built a slightly different graph, and 22 of 300 BBC
    queries returned one or two other chunks among their top 50 after a restart (none with
    10; writing the 9,377 chunks in batches of 100 took 5% longer, 0.2 s). Thread-safe.
    """

    def __init__(
        self,
        client: Any,
        embedder: Embedder,
        collection: str = "news",
        *,
        max_batch: int | None = None,
        sync_threshold: int | None = DEFAULT_SYNC_THRESHOLD,
    ) -> None:
        if not collection:
            raise ValueError("collection name must not be empty")
        if max_batch is not None and max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.client = client
        self.embedder = embedder
        self.collection_name = collection
        self._metadata: dict[str, Any] = {"hnsw:space": "cosine"}
        self._saving = hnsw_saving(sync_threshold) if sync_threshold is not None else {}
        self._metadata.update({f"hnsw:{key}": value for key, value in self._saving.items()})
        self._bind_lock = threading.Lock()
        self._bind()
        try:
            client_max = int(client.get_max_batch_size())
        except Exception as err:
            raise StoreUnavailableError(self._describe(), _first_line(err)) from err
        self._max_batch = min(client_max, max_batch) if max_batch else client_max

    def _bind(self) -> None:
        """(Re)open the collection by name, creating it if missing."""
        with self._bind_lock:
            try:
                self.collection = self.client.get_or_create_collection(
                    name=self.collection_name,
                    embedding_function=ChromaEmbeddingFunction(self.embedder),
                    metadata=dict(self._metadata),
                )
                self._check_ours()
                self._update_saving()
                self.langchain = Chroma(
                    client=self.client,
                    collection_name=self.collection_name,
                    embedding_function=self.embedder,
                )
            except ForeignCollectionError:
                raise
            except Exception as err:
                if "embedding function conflict" in str(err).lower():
                    raise ForeignCollectionError(
                        self.collection_name, self._describe(), "with another embedding function"
                    ) from err
                raise StoreUnavailableError(self._describe(), _first_line(err)) from err

    def _hnsw(self) -> dict[str, Any]:
        """The collection's HNSW settings as Chroma reports them."""
        return (self.collection.configuration or {}).get("hnsw") or {}

    def _check_ours(self) -> None:
        """Our similarities are cosine: a collection of another space would rank wrongly."""
        space = self._hnsw().get("space", "cosine")
        if space != "cosine":
            raise ForeignCollectionError(
                self.collection_name, self._describe(), f"{space} distance, not cosine"
            )

    def _update_saving(self) -> None:
        """Give a collection created with other save settings (Chroma's default, before ours)
        ours, so that it too searches the same graph in every process from now on."""
        try:
            # The collection keeps the interval among its settings, not the batch size.
            wanted = self._saving.get("sync_threshold")
            if wanted is not None and self._hnsw().get("sync_threshold") != wanted:
                self.collection.modify(configuration={"hnsw": dict(self._saving)})
                logger.info(
                    "collection %s now saves its graph every %d writes",
                    self.collection_name,
                    wanted,
                )
        except Exception as err:  # an older server: searches still work, only less repeatably
            logger.warning("could not update %s's save settings: %s", self.collection_name, err)

    @property
    def max_batch(self) -> int:
        return self._max_batch

    @property
    def persist_path(self) -> Path | None:
        """The embedded store's folder; None for a server."""
        settings = self._settings()
        if getattr(settings, "chroma_server_host", None):
            return None
        folder = getattr(settings, "persist_directory", None)
        return Path(folder) if folder and getattr(settings, "is_persistent", False) else None

    def _settings(self) -> Any:
        return getattr(self.client, "get_settings", lambda: None)()

    def _describe(self) -> str:
        settings = self._settings()
        host = getattr(settings, "chroma_server_host", None)
        if host:
            return f"{host}:{getattr(settings, 'chroma_server_http_port', '')}"
        return str(getattr(settings, "persist_directory", "the local store"))

    def count(self) -> int:
        return int(self._call("count"))

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        for i in range(0, len(chunks), self._max_batch):
            batch = chunks[i : i + self._max_batch]
            self._call(
                "upsert",
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[i : i + len(batch)],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for i in range(0, len(chunk_ids), self._max_batch):
            self._call("delete", ids=list(chunk_ids[i : i + self._max_batch]))

    def existing_ids(self, chunk_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(chunk_ids), self._max_batch):
            got = self._call("get", ids=list(chunk_ids[i : i + self._max_batch]), include=[])
            found.update(got["ids"])
        return found

    def all_ids(self) -> list[str]:
        """Every id in the collection (a list, so that a duplicate would show)."""
        ids: list[str] = []
        while True:
            got = self._call("get", include=[], limit=_PAGE, offset=len(ids))
            ids.extend(got["ids"])
            if len(got["ids"]) < _PAGE:
                return ids

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vector of each of `chunk_ids` that the collection holds."""
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(chunk_ids), self._max_batch):
            got = self._call(
                "get", ids=list(chunk_ids[i : i + self._max_batch]), include=["embeddings"]
            )
            found.update(
                (cid, np.asarray(vec, dtype=np.float32))
                for cid, vec in zip(got["ids"], got["embeddings"], strict=True)
            )
        return found

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the `k` nearest chunks (fewer if it holds fewer).

        No `count()` first: Chroma returns what it has, and a count scans the collection's
        rows, so it grows with the index and outweighs the query itself (measured: 0.8 ms
        count vs 0.9 ms query at 9,400 chunks; README "Performance" has the growth figures)."""
        result = self._call(
            "query",
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["distances"],
        )
        return _similarities(result)

    def query_among(
        self, vector: np.ndarray, k: int, chunk_ids: Sequence[str]
    ) -> list[tuple[str, float]] | None:
        """Like `query`, among `chunk_ids` only. Listing the ids is several times faster than
        the equivalent metadata `where` (measured: 5 against 34 ms for 500 of 21,000 chunks).
        None if one of them is not stored, as after another process's write since the
        caller read its ids: ask `query` with a `where` then."""
        from chromadb.errors import ChromaError

        try:
            result = self._call(
                "query",
                query_embeddings=[vector],
                n_results=k,
                ids=list(chunk_ids),
                include=["distances"],
            )
        except ChromaError as err:
            if "finding id" not in str(err).lower():
                raise
            logger.debug("a listed chunk is no longer stored: %s", _first_line(err))
            return None
        return _similarities(result)

    def reset(self) -> None:
        """Drop the collection and start it empty, for when its files are beyond repair."""
        from chromadb.errors import NotFoundError

        with self._bind_lock:
            try:
                self.client.delete_collection(self.collection_name)
            except NotFoundError:
                pass
            except Exception as err:
                if _is_connection_error(err):
                    raise StoreUnavailableError(self._describe(), _first_line(err)) from err
                raise
        self._bind()
        if self.persist_path is not None:
            _remove_unused_segments(self.persist_path)

    def _call(self, method: str, /, **kwargs: Any) -> Any:
        from chromadb.errors import NotFoundError

        for attempt in (1, 2):
            try:
                return getattr(self.collection, method)(**kwargs)
            except NotFoundError:
                # Another process recreated the collection (see `reset`): reopen it by name.
                if attempt == 2:
                    raise
                logger.info("collection %r was recreated; reopening it", self.collection_name)
                self._bind()
            except StoreUnavailableError:
                raise
            except Exception as err:
                if _is_connection_error(err):
                    raise StoreUnavailableError(self._describe(), _first_line(err)) from err
                raise
        raise AssertionError("unreachable")


def _is_connection_error(err: BaseException) -> bool:
    import httpx

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, httpx.TransportError | ConnectionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "Could not connect" in str(err)


def _remove_unused_segments(path: Path) -> None:
    """Delete HNSW folders that no segment in Chroma's catalog refers to any more (Chroma
    leaves a dropped collection's files behind). Any doubt leaves the files alone."""
    try:
        uri = (path / "chroma.sqlite3").resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            used = {row[0] for row in conn.execute("SELECT id FROM segments")}
    except sqlite3.Error as err:
        logger.debug("not cleaning %s: %s", path, err)
        return
    for folder in path.iterdir():
        if folder.is_dir() and _is_uuid(folder.name) and folder.name not in used:
            shutil.rmtree(folder, ignore_errors=True)
            logger.info("removed unused index files %s", folder)


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
