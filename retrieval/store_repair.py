"""Making the vector store agree with the manifest after an interrupted write."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import StoreError
from retrieval.manifest import Manifest
from retrieval.store import ChunkStore

logger = logging.getLogger(__name__)

# Loads the whole collection the way a query does. Run in a child process because Chroma
# can crash the process (SIGSEGV) that loads HNSW files damaged by a kill mid-save.
_PROBE = """
import sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
if sys.argv[2] in [c.name for c in client.list_collections()]:
    collection = client.get_collection(sys.argv[2])
    total = collection.count()
    if total:
        got = collection.get(limit=1, include=["embeddings"])
        collection.query(query_embeddings=got["embeddings"], n_results=min(total, 10))
"""


def probe_embedded(path: Path, collection: str, *, timeout: float = 600.0) -> str | None:
    """What is wrong with the embedded store at `path` (None: it loads and answers)."""
    problem = None
    for _ in range(2):  # a second try, so a passing hiccup never costs a rebuild
        try:
            done = subprocess.run(
                [sys.executable, "-c", _PROBE, str(path), collection],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise StoreError(
                f"checking the index at {path} took over {timeout:.0f} s; stop other programs "
                "using it and run the command again"
            ) from None
        if done.returncode == 0:
            return None
        if done.returncode < 0:
            try:
                name = signal.Signals(-done.returncode).name
            except ValueError:
                name = f"signal {-done.returncode}"
            return f"loading it crashed the process ({name})"
        lines = done.stderr.strip().splitlines()
        problem = lines[-1] if lines else f"exit status {done.returncode}"
    return problem


@dataclass(frozen=True)
class RepairReport:
    """What `repair_store` found and did."""

    compared: bool = False
    problem: str | None = None
    rebuilt: bool = False
    missing: tuple[str, ...] = ()
    orphans: int = 0

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.missing) or bool(self.orphans)

    def summary(self) -> str:
        if not self.changed:
            return "index consistent"
        parts = [f"rebuilt ({self.problem})"] if self.rebuilt else []
        if self.missing:
            parts.append(f"{len(self.missing)} article(s) to rewrite")
        if self.orphans:
            parts.append(f"{self.orphans} orphan chunk(s) deleted")
        return "index repaired: " + ", ".join(parts)


def repair_store(
    store: ChunkStore,
    manifest: Manifest,
    *,
    suspect: bool,
    probe: Callable[[Path, str], str | None] = probe_embedded,
) -> RepairReport:
    """Make the vector store agree with the manifest; the caller holds the writer lock.

    `suspect` (the last writer did not finish, see `WriterLock.interrupted`): load an embedded
    store in a child process first (`probe`) and recreate the collection if it cannot be read
    (Chroma rewrites its HNSW files in place, even when a process first loads them, so a kill
    can leave them half-written), then compare every id. Otherwise compare counts and look
    closer only if they differ.

    Articles whose chunks are missing go back to 'pending', so the next ingest rewrites them
    from the manifest's text; chunks no article owns are deleted.
    """
    problem = None
    path = store.persist_path
    if suspect and path is not None:
        problem = probe(path, store.collection_name)
        if problem:
            logger.warning("the index at %s is damaged (%s); rebuilding it", path, problem)
            store.reset()
    if not (suspect or _counts_differ(store, manifest)):
        return RepairReport()
    present = set(store.all_ids())
    expected = manifest.chunk_states()
    missing = sorted(
        {aid for cid, (aid, state) in expected.items() if state == "done" and cid not in present}
    )
    # Stale chunks are not orphans: the ingest that follows deletes them as usual.
    orphans = sorted(present - expected.keys() - set(manifest.stale_ids()))
    if missing:
        manifest.mark_pending(missing)
    if orphans:
        store.delete(orphans)
    report = RepairReport(
        compared=True,
        problem=problem,
        rebuilt=problem is not None,
        missing=tuple(missing),
        orphans=len(orphans),
    )
    if report.changed:
        logger.warning(report.summary())
    return report


def _counts_differ(store: ChunkStore, manifest: Manifest) -> bool:
    # Pending articles and stale chunks make the counts differ legitimately; the ingest that
    # follows settles them.
    if manifest.pending() or manifest.stale_ids():
        return False
    return store.count() != manifest.chunk_count()
