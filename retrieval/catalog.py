"""An in-memory snapshot of the complete chunks and their BM25 index, refreshed on change."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from retrieval.lexical import LexicalIndex
from retrieval.manifest import Manifest
from retrieval.models import Chunk

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    chunks: dict[str, Chunk]
    lexical: LexicalIndex


class Catalog:
    """Serves an immutable `Snapshot`; `current()` rebuilds it when the manifest has changed
    (in this process or another), so readers always see only complete articles."""

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._version: tuple[int, int] | None = None
        self._local_writes = 0

    def invalidate(self) -> None:
        with self._lock:
            self._local_writes += 1

    def current(self) -> Snapshot:
        version = (self._manifest.data_version(), self._local_writes)
        snapshot = self._snapshot
        if snapshot is not None and version == self._version:
            return snapshot
        with self._lock:
            if self._snapshot is None or version != self._version:
                chunks = self._manifest.done_chunks()
                self._snapshot = Snapshot(
                    chunks={c.chunk_id: c for c in chunks}, lexical=LexicalIndex(chunks)
                )
                self._version = version
                logger.debug("catalog rebuilt: %d chunks", len(chunks))
            return self._snapshot
