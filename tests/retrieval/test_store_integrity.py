"""The vector store against a local folder and a real Chroma server: batching, reopening,
repair after lost or stray chunks, and readers on other threads while a writer works."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.catalog import Catalog
from retrieval.embedding import ChromaEmbeddingFunction, Embedder
from retrieval.errors import ForeignCollectionError
from retrieval.manifest import Manifest
from retrieval.models import Article, Chunk
from retrieval.store import ChunkStore, make_client
from retrieval.store_repair import probe_embedded, repair_store
from tests.retrieval.ingest_worker import ChromaServer, make_article, token


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path_factory.mktemp("server") / "chroma")
    server.start()
    yield server
    server.stop()


class Backend:
    """Where a test's store lives: a local folder, or a fresh collection on the server."""

    def __init__(self, kind: str, folder: Path, server: ChromaServer | None) -> None:
        self.kind = kind
        self.folder = folder
        self.server = server
        self.collection = f"t{uuid.uuid4().hex[:12]}"

    def client(self) -> Any:
        if self.server is not None:
            return make_client(host=self.server.host, port=self.server.port)
        return make_client(path=self.folder / "chroma")

    @property
    def overrides(self) -> dict[str, Any]:
        if self.server is None:
            return {}
        return {
            "chroma_host": self.server.host,
            "chroma_port": self.server.port,
            "collection": self.collection,
        }


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    server = request.getfixturevalue("chroma_server") if request.param == "server" else None
    return Backend(request.param, tmp_path, server)


def _chunks(n: int, prefix: str = "c") -> tuple[list[Chunk], np.ndarray]:
    rng = np.random.default_rng(n)
    vectors = rng.normal(size=(n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [
        Chunk(f"{prefix}{i}", f"art{i % 3}", i, f"text {i}", 0, 6, f"Title {i % 3}")
        for i in range(n)
    ]
    return chunks, vectors


class _LimitedCollection:
    """A real collection that fails like a strict server on a batch over `limit`."""

    def __init__(self, collection: Any, limit: int, sizes: list[int]) -> None:
        self._collection = collection
        self._limit = limit
        self._sizes = sizes

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._collection, name)
        if name not in ("upsert", "delete", "get", "add"):
            return method

        def checked(**kwargs: Any) -> Any:
            size = len(kwargs.get("ids") or [])
            self._sizes.append(size)
            if size > self._limit:
                raise ValueError(f"batch of {size} exceeds the limit of {self._limit}")
            return method(**kwargs)

        return checked


class _LimitedClient:
    """A real client reporting a small `get_max_batch_size`, as a small server would."""

    def __init__(self, client: Any, limit: int) -> None:
        self._client = client
        self._limit = limit
        self.sizes: list[int] = []

    def get_max_batch_size(self) -> int:
        return self._limit

    def get_or_create_collection(self, *args: Any, **kwargs: Any) -> Any:
        collection = self._client.get_or_create_collection(*args, **kwargs)
        return _LimitedCollection(collection, self._limit, self.sizes)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


# Batching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("client_limit", "max_batch", "used"), [(4, None, 4), (5, 3, 3)])
def test_writes_and_reads_are_split_to_the_batch_limit(
    backend: Backend,
    embedder: Embedder,
    client_limit: int,
    max_batch: int | None,
    used: int,
) -> None:
    client = _LimitedClient(backend.client(), client_limit)
    store = ChunkStore(client, embedder, backend.collection, max_batch=max_batch)
    assert store.max_batch == used
    chunks, vectors = _chunks(11)
    ids = [c.chunk_id for c in chunks]

    store.upsert(chunks, vectors)
    assert store.count() == 11
    assert sorted(store.all_ids()) == sorted(ids)
    assert store.existing_ids([*ids, "missing"]) == set(ids)
    stored = store.vectors(ids)
    assert set(stored) == set(ids)
    for chunk, vector in zip(chunks, vectors, strict=True):
        assert np.allclose(stored[chunk.chunk_id], vector, atol=1e-5)
    assert store.query(vectors[7], 1) == [(ids[7], pytest.approx(1.0, abs=1e-4))]

    store.delete(ids[:9])
    assert sorted(store.all_ids()) == sorted(ids[9:])
    assert max(client.sizes) == used, "every batch used the limit, none went over"


def test_listing_ids_pages_through_a_large_collection(tmp_path: Path, embedder: Embedder) -> None:
    store = ChunkStore(make_client(path=tmp_path / "chroma"), embedder)
    chunks, vectors = _chunks(5200)  # more than one page of ids
    store.upsert(chunks, vectors)
    ids = store.all_ids()
    assert len(ids) == len(set(ids)) == 5200


def test_a_recreated_collection_is_reopened_by_name(backend: Backend, embedder: Embedder) -> None:
    """Another process may rebuild the collection (see `repair_store`); stores that still
    hold the old handle reopen it instead of failing."""
    first = ChunkStore(backend.client(), embedder, backend.collection)
    second = ChunkStore(backend.client(), embedder, backend.collection)
    chunks, vectors = _chunks(3)
    first.upsert(chunks, vectors)
    assert second.count() == 3
    first.reset()
    assert first.count() == 0
    assert second.count() == 0
    second.upsert(chunks[:2], vectors[:2])
    assert sorted(first.all_ids()) == ["c0", "c1"]


# Repair ------------------------------------------------------------------------------------


def _articles(numbers: range) -> list[Article]:
    return [Article(**make_article(i)) for i in numbers]


@pytest.mark.parametrize(
    ("made_with", "named"),
    [
        ({"metadata": {"hnsw:space": "l2"}, "ours": True}, "l2 distance"),
        ({"metadata": {"hnsw:space": "cosine"}, "ours": False}, "another embedding function"),
    ],
)
def test_a_collection_made_by_another_program_is_refused_by_name(
    backend: Backend, embedder: Embedder, made_with: dict[str, Any], named: str
) -> None:
    # Another app's collection under our name: its distances or vectors are not ours, so
    # answering from it would rank nonsense.
    client = backend.client()
    function = ChromaEmbeddingFunction(embedder) if made_with["ours"] else None
    extra = {"embedding_function": function} if function else {}
    client.create_collection(backend.collection, metadata=made_with["metadata"], **extra)

    with pytest.raises(ForeignCollectionError) as refused:
        ChunkStore(client, embedder, backend.collection)
    message = str(refused.value)
    assert named in message and "NEWSBOT_COLLECTION" in message and "\n" not in message
    assert client.get_collection(backend.collection).count() == 0


def test_repair_rewrites_articles_with_missing_chunks_and_drops_strays(
    backend: Backend, newsbot_factory: Any
) -> None:
    bot = newsbot_factory(data_dir=backend.folder / "data", **backend.overrides)
    bot.add_articles(_articles(range(3)))  # article 0 is long: several chunks
    victim = "a00000"
    victim_chunks = bot.manifest.chunk_ids(victim)
    assert len(victim_chunks) > 1
    bot.store.delete(victim_chunks[1:2])  # lost by the store
    stray, vector = _chunks(1, prefix="stray")
    bot.store.upsert(stray, vector)  # a chunk no article owns

    report = repair_store(bot.store, bot.manifest, suspect=True)
    assert report.compared and not report.rebuilt and report.problem is None
    assert report.missing == (victim,)
    assert report.orphans == 1
    assert "stray0" not in bot.store.all_ids()
    assert victim not in {info.article_id for info in bot.sources()}, "hidden until rewritten"

    finished = bot.add_articles([])
    assert finished.chunks_written == len(victim_chunks)
    assert sorted(bot.store.all_ids()) == sorted(bot.manifest.chunk_states())
    assert victim in [p.chunk.article_id for p in bot.search(token(0), k=3)]
    assert repair_store(bot.store, bot.manifest, suspect=True).changed is False


def test_count_check_notices_a_store_that_lost_everything(
    backend: Backend, newsbot_factory: Any
) -> None:
    """E.g. a server restarted on an empty folder: the next writer rewrites every article."""
    bot = newsbot_factory(data_dir=backend.folder / "data", **backend.overrides)
    bot.add_articles(_articles(range(1, 5)))
    expected = sorted(bot.store.all_ids())
    bot.store.reset()
    report = repair_store(bot.store, bot.manifest, suspect=False)
    assert report.compared and len(report.missing) == 4
    assert bot.add_articles([]).chunks_written == len(expected)
    assert sorted(bot.store.all_ids()) == expected
    assert repair_store(bot.store, bot.manifest, suspect=False) == type(report)()


@pytest.mark.parametrize(
    ("damaged_file", "symptoms"),
    [
        # Garbled neighbour lists crash the loader, unless reading the garbled first vector
        # fails first: both have been seen, and either way the probe must report it.
        ("data_level0.bin", ("crashed the process (SIGSEGV)", "Error getting embedding")),
        ("header.bin", ("InternalError",)),
    ],
)
def test_probe_reports_damaged_index_files(
    tmp_path: Path, embedder: Embedder, damaged_file: str, symptoms: tuple[str, ...]
) -> None:
    """Half-written HNSW files crash (or fail) whoever loads them; the probe does that in a
    child process and says what it saw."""
    folder = tmp_path / "chroma"
    store = ChunkStore(make_client(path=folder), embedder, "probed", sync_threshold=10)
    chunks, vectors = _chunks(40)
    store.upsert(chunks, vectors)
    assert probe_embedded(folder, "probed") is None
    assert probe_embedded(folder, "absent") is None

    (segment,) = [p for p in folder.iterdir() if p.is_dir()]
    target = segment / damaged_file
    if damaged_file == "header.bin":
        target.write_bytes(bytes(target.stat().st_size))
    else:
        with target.open("r+b") as file:
            file.write(b"\xff" * 4096)  # neighbour ids far out of range
    problem = probe_embedded(folder, "probed")
    assert problem is not None and any(symptom in problem for symptom in symptoms), problem


# Readers and writers in threads --------------------------------------------------------------


def _write_article(manifest: Manifest, article_id: str, text: str) -> Chunk:
    chunk = Chunk(f"{article_id}:0", article_id, 0, text, 0, len(text), article_id)
    article = Article(article_id=article_id, title=article_id, text=text, origin="t")
    manifest.begin([article], [[chunk]])
    manifest.mark_done([article_id])
    return chunk


def test_catalog_sees_every_write_from_any_thread(tmp_path: Path) -> None:
    """Each thread reads through its own SQLite connection; a write by another connection
    (another process, in real life) must reach readers on every thread."""
    reader = Manifest(tmp_path / "manifest.sqlite3")
    writer = Manifest(tmp_path / "manifest.sqlite3")
    catalog = Catalog(reader)
    seen: list[set[str]] = []

    def read() -> None:
        seen.append(set(catalog.current().chunks))

    for n in range(5):
        _write_article(writer, f"a{n}", f"harbour story number {n}")
        thread = threading.Thread(target=read)  # a new thread: a new connection
        thread.start()
        thread.join()
    read()
    assert seen == [{f"a{m}:0" for m in range(n + 1)} for n in [0, 1, 2, 3, 4, 4]]
    reader.close()
    writer.close()


def test_questions_in_threads_while_another_thread_ingests(newsbot_factory: Any) -> None:
    bot = newsbot_factory()
    bot.add_articles(_articles(range(1, 4)))
    late = Article(**make_article(77))
    stop = threading.Event()
    errors: list[BaseException] = []
    found_late: list[bool] = []

    def ask_repeatedly(n: int) -> None:
        try:
            while not stop.is_set():
                early = bot.ask(f"What did the {token(1 + n % 3)} harbour board discuss?")
                assert early.found, "an indexed article stays answerable during a write"
                answer = bot.ask(f"What did the {token(77)} harbour board discuss?")
                found_late.append(late.article_id in {c.article_id for c in answer.citations})
                assert len(bot.sources()) >= 3
        except BaseException as err:
            errors.append(err)

    readers = [threading.Thread(target=ask_repeatedly, args=(n,)) for n in range(4)]
    for thread in readers:
        thread.start()
    try:
        report = bot.add_articles([*_articles(range(10, 70)), late])
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=120)
    assert not errors, errors[0]
    assert report.new == 61 and found_late
    answer = bot.ask(f"What did the {token(77)} harbour board discuss?")
    assert answer.found and late.article_id in {c.article_id for c in answer.citations}
    assert len(bot.sources()) == 64
