"""Evaluation indexes, cached on disk by corpus and code, plus a persistent vector cache."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma

from retrieval.embedding import Embedder
from retrieval.evaluation.datasets import Benchmark
from retrieval.fingerprint import code_fingerprint
from retrieval.models import stable_id
from retrieval.service import Newsbot
from retrieval.settings import Settings
from retrieval.store import DEFAULT_SYNC_THRESHOLD, hnsw_saving, make_client

logger = logging.getLogger(__name__)

# Modules whose code decides what an index holds; editing one invalidates cached indexes.
INDEX_CODE = (
    "chunking.py",
    "sentences.py",
    "models.py",
    "indexer.py",
    "manifest.py",
    "store.py",
    "store_repair.py",
    "embedding.py",
    "onnx_export.py",
    "writer.py",
)
# The code that turns text into vectors: a change retires the cached vectors too (how texts
# are grouped into model calls changes vectors that the probes, each encoded alone, keep).
ENCODER_CODE = ("embedding.py", "onnx_export.py")
_COMPLETE = "complete"
_LOOKUP_BATCH = 900  # under SQLite's bound-parameter limit
_PROBES = (
    "Putin visited Pyongyang.",
    "Headline\nA body sentence with numbers: 5.8, 18 months, £2bn.",
    " ".join(["A sentence long enough to be cut at the model's window."] * 40),
)


class CachingEmbedder(Embedder):
    """The shared embedder, remembering every vector it makes inside `recording()` in SQLite.

    Rebuilding an index whose chunks did not change (a code edit, the raw-vs-clean variant's
    shared chunks, the not-found corpus) then costs lookups instead of model time. Outside
    `recording()` it is a plain pass-through, so query latency stays honest.
    """

    def __init__(self, inner: Embedder, path: Path) -> None:
        super().__init__(inner.model_name, backend=inner.backend, batch_size=inner.batch_size)
        self._inner = inner
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
        self._db_lock = threading.Lock()
        self._recording = False
        self._salt: str | None = None
        self.hits = 0
        self.misses = 0

    @property
    def model(self) -> Any:  # whatever the shared embedder loaded (torch or ONNX)
        return self._inner.model

    @contextmanager
    def recording(self) -> Iterator[None]:
        self._recording = True
        try:
            yield
        finally:
            self._recording = False

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if not self._recording or not texts:
            return self._inner.encode(texts, show_progress=show_progress)
        keys = [self._key(t) for t in texts]
        known = self._lookup(list(dict.fromkeys(keys)))
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            vectors = self._inner.encode(list(todo.values()), show_progress=show_progress)
            fresh = dict(zip(todo, vectors, strict=True))
            self._store(fresh)
            known.update(fresh)
        return np.stack([known[k] for k in keys])

    def _key(self, text: str) -> str:
        if self._salt is None:
            self._salt = self._fingerprint()
        return hashlib.sha256((self._salt + text).encode("utf-8")).hexdigest()[:32]

    def _fingerprint(self) -> str:
        """What the model makes of a few probe texts: any change in how vectors come out
        (model, truncation, pooling, backend) changes it and so retires the cached ones."""
        vectors = self._inner.encode(list(_PROBES))
        rounded = np.round(vectors.astype(np.float64), 3).tobytes()
        probes = hashlib.sha256(rounded).hexdigest()[:16]
        return f"{self._inner.model_name}\x1f{probes}\x1f{code_fingerprint(ENCODER_CODE)}\x1f"

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._db_lock:
            for i in range(0, len(keys), _LOOKUP_BATCH):
                batch = keys[i : i + _LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(f"SELECT key, v FROM vectors WHERE key IN ({marks})", batch)
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()]
        with self._db_lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._db_lock:
            self._db.close()


class IndexCache:
    """Builds each benchmark's index once under `root/indexes/NAME-KEY/`; KEY changes with the
    corpus, the indexing code and the model, and older KEYs of the same NAME are deleted."""

    def __init__(self, root: Path, embedder: Embedder, *, rebuild: bool = False) -> None:
        self.root = root
        self.rebuild = rebuild
        self.embedder = CachingEmbedder(embedder, root / "vectors.sqlite3")
        self._open: list[Newsbot] = []
        self.build_seconds: dict[str, float] = {}

    def _key(self, *parts: str) -> str:
        return stable_id(*parts, self.embedder.model_name, self.embedder.backend)

    def folder(self, name: str, *parts: str) -> tuple[Path, bool]:
        """The folder for `name` at this key, emptied if it must be (re)built, and whether
        it is ready to use as it is."""
        key = self._key(*parts)
        folder = self.root / "indexes" / f"{name}-{key}"
        self._prune(name, keep=folder)
        ready = (folder / _COMPLETE).exists() and not self.rebuild
        if not ready and folder.exists():
            shutil.rmtree(folder)
        return folder, ready

    def newsbot(self, bench: Benchmark, *, progress: bool = False) -> Newsbot:
        """A Newsbot over `bench.articles`, from the cache when it holds this corpus."""
        folder, ready = self.folder(bench.name, bench.fingerprint, code_fingerprint(INDEX_CODE))
        bot = Newsbot.open(
            Settings(data_dir=folder, collection="news", chroma_host=None),
            embedder=self.embedder,
        )
        self._open.append(bot)
        if not ready:
            self._build(
                bench.name, folder, lambda: bot.add_articles(bench.articles, progress=progress)
            )
        return bot

    def build(self, name: str, folder: Path, write: Callable[[], Any]) -> None:
        self._build(name, folder, write)

    def _build(self, name: str, folder: Path, write: Callable[[], Any]) -> None:
        start = time.perf_counter()
        hits, misses = self.embedder.hits, self.embedder.misses
        with self.embedder.recording():
            write()
        (folder / _COMPLETE).write_text("ok\n", encoding="utf-8")
        self.build_seconds[name] = time.perf_counter() - start
        logger.info(
            "built %s in %.0f s (%d vectors cached, %d embedded)",
            name,
            self.build_seconds[name],
            self.embedder.hits - hits,
            self.embedder.misses - misses,
        )

    def _prune(self, name: str, keep: Path) -> None:
        pattern = re.compile(re.escape(name) + r"-[0-9a-f]{16}")
        parent = keep.parent
        if not parent.is_dir():
            return
        for other in parent.iterdir():
            if other != keep and other.is_dir() and pattern.fullmatch(other.name):
                logger.info("removing outdated index %s", other)
                shutil.rmtree(other, ignore_errors=True)

    def close(self) -> None:
        for bot in self._open:
            bot.close()
        self._open.clear()
        self.embedder.close()


def recipe_store(cache: IndexCache, bench: Benchmark, *, progress: bool = False) -> Chroma:
    """The LangChain recipe's Chroma collection over `bench.articles`, cached like ours."""
    from retrieval.evaluation import baselines

    recipe = f"recursive-{baselines.RECIPE_CHUNK_SIZE}-{baselines.RECIPE_CHUNK_OVERLAP}"
    folder, ready = cache.folder(
        f"{bench.name}-langchain", bench.fingerprint, recipe, f"sync-{DEFAULT_SYNC_THRESHOLD}"
    )
    store = Chroma(
        client=make_client(path=folder / "chroma"),
        collection_name=baselines.RECIPE_COLLECTION,
        embedding_function=cache.embedder,
        # Saving the graph often only makes its search repeatable across processes (see
        # ChunkStore); the recipe otherwise keeps Chroma's defaults.
        collection_metadata={f"hnsw:{key}": value for key, value in hnsw_saving().items()},
    )
    if not ready:
        cache.build(
            f"{bench.name}-langchain",
            folder,
            lambda: baselines.build_recipe_index(store, bench.articles, progress=progress),
        )
    return store
