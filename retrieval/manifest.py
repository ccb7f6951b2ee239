"""The SQLite manifest: which articles and chunks the index holds, and which are complete."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from retrieval.models import Article, ArticleInfo, Chunk, IndexStats

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id   TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    origin       TEXT NOT NULL,
    source       TEXT,
    published    TEXT,
    url          TEXT,
    author       TEXT,
    dateline     TEXT,
    -- 'pending' while its chunks are being written to the vector store, then 'done'.
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done'))
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id   TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_article ON chunks(article_id);
-- Chunk ids replaced by a newer version of their article, still to delete from the store.
CREATE TABLE IF NOT EXISTS stale (chunk_id TEXT PRIMARY KEY);
-- 'generation' counts committed writes, so readers in any thread or process see a change.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', 0);
"""


@dataclass(frozen=True)
class StoredArticle:
    article: Article
    state: str
    chunk_ids: tuple[str, ...]


class Manifest:
    """Source of truth for what is indexed. The vector store is written between a 'pending'
    and a 'done' mark, so a crash never leaves an article that looks complete but is not.

    Reads may come from any thread (each thread has its own connection; WAL lets them read
    while another connection writes); writes are serialised by the caller's writer lock.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._by_thread: dict[threading.Thread, sqlite3.Connection] = {}
        self._conn_lock = threading.Lock()
        self._conn().executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._conn_lock:
                # Threads come and go (a bot's worker pool, test threads): close what the
                # finished ones opened instead of keeping a file handle per thread ever seen.
                for thread in [t for t in self._by_thread if not t.is_alive()]:
                    self._by_thread.pop(thread).close()
                self._by_thread[threading.current_thread()] = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._conn_lock:
            for conn in self._by_thread.values():
                conn.close()
            self._by_thread.clear()
        self._local = threading.local()

    # Reads -----------------------------------------------------------------

    def hashes(self) -> dict[str, tuple[str, str]]:
        """article_id -> (content_hash, state) for every known article."""
        rows = self._conn().execute("SELECT article_id, content_hash, state FROM articles")
        return {row[0]: (row[1], row[2]) for row in rows}

    def from_files(self, resolved_paths: Collection[str]) -> dict[str, list[str]]:
        """Ids of the articles without a URL last read from each of these files (an origin
        is the resolved path, "#" and the article's place in it), in one pass."""
        wanted = set(resolved_paths)
        held: dict[str, list[str]] = {}
        rows = self._conn().execute("SELECT article_id, origin FROM articles WHERE url IS NULL")
        for article_id, origin in rows:
            path = str(origin).rpartition("#")[0]
            if path in wanted:
                held.setdefault(path, []).append(article_id)
        return held

    def chunk_ids(self, article_id: str) -> list[str]:
        rows = self._conn().execute(
            "SELECT chunk_id FROM chunks WHERE article_id = ? ORDER BY idx", (article_id,)
        )
        return [row[0] for row in rows]

    def chunk_states(self) -> dict[str, tuple[str, str]]:
        """chunk_id -> (article_id, state) for every chunk the index should hold."""
        rows = self._conn().execute(
            "SELECT c.chunk_id, c.article_id, a.state FROM chunks c JOIN articles a "
            "USING (article_id)"
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def chunk_count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def pending(self) -> list[str]:
        rows = self._conn().execute("SELECT article_id FROM articles WHERE state = 'pending'")
        return [row[0] for row in rows]

    def article(self, article_id: str) -> Article | None:
        row = (
            self._conn()
            .execute(
                "SELECT article_id, title, text, origin, source, published, url, author, dateline "
                "FROM articles WHERE article_id = ?",
                (article_id,),
            )
            .fetchone()
        )
        return _article(row) if row else None

    def articles(self, article_ids: Iterable[str]) -> dict[str, Article]:
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, Article] = {}
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            marks = ",".join("?" * len(batch))
            rows = self._conn().execute(
                "SELECT article_id, title, text, origin, source, published, url, author, "
                f"dateline FROM articles WHERE article_id IN ({marks})",
                batch,
            )
            found.update((row[0], _article(row)) for row in rows)
        return found

    def done_chunks(self) -> list[Chunk]:
        """Every chunk of every complete article, in a stable order (for the lexical index)."""
        rows = self._conn().execute(
            "SELECT c.chunk_id, c.article_id, c.idx, c.start, c.end, a.title, a.text, a.source, "
            "a.published, a.url FROM chunks c JOIN articles a USING (article_id) "
            "WHERE a.state = 'done' ORDER BY c.chunk_id"
        )
        return [
            Chunk(
                chunk_id=r[0],
                article_id=r[1],
                index=r[2],
                text=r[6][r[3] : r[4]],
                start=r[3],
                end=r[4],
                title=r[5],
                source=r[7],
                published=r[8],
                url=r[9],
            )
            for r in rows
        ]

    def infos(self) -> list[ArticleInfo]:
        rows = self._conn().execute(
            "SELECT a.article_id, a.title, a.source, a.published, a.url, COUNT(c.chunk_id) "
            "FROM articles a LEFT JOIN chunks c USING (article_id) WHERE a.state = 'done' "
            "GROUP BY a.article_id ORDER BY a.published IS NULL, a.published DESC, a.title"
        )
        return [ArticleInfo(*row) for row in rows]

    def newest(
        self, limit: int, *, first: str | None = None, last: str | None = None
    ) -> list[ArticleInfo]:
        """The `limit` most recently published complete articles, newest first, published
        between the ISO days `first` and `last` when given; undated ones last, and only when
        no period is asked for."""
        where = ["a.state = 'done'"]
        params: list[object] = []
        if first is not None or last is not None:
            where.append("a.published IS NOT NULL")
        if first is not None:
            where.append("substr(a.published, 1, 10) >= ?")
            params.append(first)
        if last is not None:
            where.append("substr(a.published, 1, 10) <= ?")
            params.append(last)
        rows = self._conn().execute(
            "SELECT a.article_id, a.title, a.source, a.published, a.url, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.article_id = a.article_id) "
            f"FROM articles a WHERE {' AND '.join(where)} "
            "ORDER BY a.published IS NULL, a.published DESC, a.title LIMIT ?",
            [*params, limit],
        )
        return [ArticleInfo(*row) for row in rows]

    def stats(self) -> IndexStats:
        conn = self._conn()
        articles = conn.execute("SELECT COUNT(*) FROM articles WHERE state='done'").fetchone()[0]
        chunks = conn.execute(
            "SELECT COUNT(*) FROM chunks JOIN articles USING (article_id) WHERE state='done'"
        ).fetchone()[0]
        sources = tuple(
            row[0]
            for row in conn.execute(
                "SELECT source FROM articles WHERE state='done' AND source IS NOT NULL "
                "GROUP BY source ORDER BY COUNT(*) DESC, source"
            )
        )
        latest = conn.execute("SELECT MAX(published) FROM articles WHERE state='done'").fetchone()
        return IndexStats(articles=articles, chunks=chunks, sources=sources, latest=latest[0])

    # Writes ----------------------------------------------------------------

    def begin(self, articles: Sequence[Article], chunks: Sequence[Sequence[Chunk]]) -> None:
        """Record articles (replacing older versions) and their chunks as 'pending'."""
        with self._tx() as conn:
            for article, article_chunks in zip(articles, chunks, strict=True):
                conn.execute(
                    "INSERT OR IGNORE INTO stale SELECT chunk_id FROM chunks WHERE article_id = ?",
                    (article.article_id,),
                )
                conn.execute("DELETE FROM chunks WHERE article_id = ?", (article.article_id,))
                conn.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?, 'pending')",
                    (
                        article.article_id,
                        article.content_hash,
                        article.title,
                        article.text,
                        article.origin,
                        article.source,
                        article.published,
                        article.url,
                        article.author,
                        article.dateline,
                    ),
                )
                conn.executemany(
                    "INSERT INTO chunks VALUES (?,?,?,?,?)",
                    [(c.chunk_id, c.article_id, c.index, c.start, c.end) for c in article_chunks],
                )

    def stale_ids(self) -> list[str]:
        """Old chunk ids that may still sit in the vector store, minus any id reused since."""
        rows = self._conn().execute(
            "SELECT chunk_id FROM stale WHERE chunk_id NOT IN (SELECT chunk_id FROM chunks)"
        )
        return [row[0] for row in rows]

    def clear_stale(self, chunk_ids: Sequence[str]) -> None:
        with self._tx() as conn:
            conn.executemany("DELETE FROM stale WHERE chunk_id = ?", [(c,) for c in chunk_ids])

    def data_version(self) -> int:
        """Changes whenever another connection commits (this thread's connection's view)."""
        return int(self._conn().execute("PRAGMA data_version").fetchone()[0])

    def generation(self) -> int:
        """A counter every committed write raises: the same value in every thread and process,
        unlike `data_version`, which each connection counts on its own."""
        row = self._conn().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def mark_done(self, article_ids: Sequence[str]) -> None:
        with self._tx() as conn:
            conn.executemany(
                "UPDATE articles SET state = 'done' WHERE article_id = ?",
                [(a,) for a in article_ids],
            )

    def mark_pending(self, article_ids: Sequence[str]) -> None:
        """Have the next ingest rewrite these articles from their stored text."""
        with self._tx() as conn:
            conn.executemany(
                "UPDATE articles SET state = 'pending' WHERE article_id = ?",
                [(a,) for a in article_ids],
            )

    def remove(self, article_ids: Sequence[str]) -> None:
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO stale SELECT chunk_id FROM chunks WHERE article_id = ?",
                [(a,) for a in article_ids],
            )
            conn.executemany(
                "DELETE FROM articles WHERE article_id = ?", [(a,) for a in article_ids]
            )


def _article(row: Sequence[str | None]) -> Article:
    return Article(
        article_id=str(row[0]),
        title=str(row[1]),
        text=str(row[2]),
        origin=str(row[3]),
        source=row[4],
        published=row[5],
        url=row[6],
        author=row[7],
        dateline=row[8],
    )
