"""The quote book: every attributed statement in the index, kept in step with the manifest."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.answer_types import names_in
from retrieval.fingerprint import code_fingerprint
from retrieval.lexical import fold_name, terms
from retrieval.manifest import Manifest
from retrieval.news_words import sentence_terms
from retrieval.speaks_for import bodies_introducing, without_the
from retrieval.speech import speaker_matches, statements

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS quoted_articles (
    article_id   TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    article_id TEXT NOT NULL REFERENCES quoted_articles(article_id) ON DELETE CASCADE,
    speaker    TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    direct     INTEGER NOT NULL,
    sentence   TEXT NOT NULL,
    bodies     TEXT NOT NULL DEFAULT '',
    spelling   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS quotes_by_speaker ON quotes(speaker);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


# The modules `speech.statements` and `speaks_for.bodies_introducing` read
# (tests/retrieval/test_news_features.py checks this).
EXTRACTOR_CODE = (
    "speech.py",
    "speech_subjects.py",
    "speaker_names.py",
    "speaker_gender.py",
    "places.py",
    "sentences.py",
    "speaks_for.py",
    "firms.py",
    "lexical.py",
    "models.py",
)


def _bodies_column(names: Iterable[str]) -> str:
    """ "|kremlin|russia|": each name between bars, so that LIKE '%|russia|%' finds one."""
    listed = sorted(name.lower() for name in names)
    return f"|{'|'.join(listed)}|" if listed else ""


def extractor_version() -> str:
    """Changes whenever the code that finds statements does: a book written by other code
    is read again, so an upgrade's better attributions reach old indexes too."""
    return code_fingerprint(EXTRACTOR_CODE)


@dataclass(frozen=True)
class Quote:
    """One statement with its speaker and the article it appears in."""

    speaker: str
    sentence: str
    direct: bool
    article_id: str
    title: str
    source: str | None
    published: str | None
    start: int
    end: int
    url: str | None = None


# How far from a statement (in characters, a few paragraphs) the rest of its topic may be.
_NEAR = 1500


def _names(topic: str) -> list[set[str]]:
    """The terms of each name in `topic`, an owner apart from what it owns ("Yosemite's
    Mariposa Grove" is Yosemite and Mariposa Grove). Read as it stood in the question ("…
    say about Finland"): its first word is no sentence's opening, so a capital there makes
    a name."""
    return [
        set(terms(part))
        for name in names_in(f"about {topic}")
        for part in _OWNER.split(name)
        if terms(part)
    ]


_OWNER = re.compile(r"['’]s\s+")


class QuoteBook:
    """Statements extracted at ingest (direct quotes and reported speech, "he said" resolved
    to the last named speaker), derived from the manifest and re-synced after each write, and
    read again in full when the code that finds them has changed since the book was written."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self._path = path
        self._manifest = manifest
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(quotes)")}
        for column in ("bodies", "spelling"):  # a book from before session 24 or 31
            if column not in columns:
                self._conn.execute(
                    f"ALTER TABLE quotes ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
                )
                self._conn.execute("DELETE FROM meta WHERE key = 'extractor'")  # read again
        self._version = extractor_version()
        self._current = self._written_by() == self._version

    def _written_by(self) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'extractor'").fetchone()
        return row[0] if row else None

    def sync(self) -> int:
        """Bring the book in line with the manifest's complete articles; returns articles read."""
        done = {aid: h for aid, (h, state) in self._manifest.hashes().items() if state == "done"}
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if self._written_by() != self._version:
                    self._conn.execute("DELETE FROM quoted_articles")
                    self._conn.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('extractor', ?)", (self._version,)
                    )
                have = dict(
                    self._conn.execute("SELECT article_id, content_hash FROM quoted_articles")
                )
                gone = [aid for aid in have if done.get(aid) != have[aid]]
                todo = [aid for aid, h in done.items() if have.get(aid) != h]
                articles = self._manifest.articles(todo)
                self._conn.executemany(
                    "DELETE FROM quoted_articles WHERE article_id = ?", [(a,) for a in gone]
                )
                for aid in todo:
                    article = articles.get(aid)
                    if article is None:
                        continue
                    self._conn.execute(
                        "INSERT INTO quoted_articles VALUES (?, ?)", (aid, article.content_hash)
                    )
                    self._conn.executemany(
                        "INSERT INTO quotes (article_id, speaker, start, end, direct, sentence, "
                        "bodies, spelling) VALUES (?,?,?,?,?,?,?,?)",
                        [
                            (
                                aid,
                                s.speaker,
                                s.start,
                                s.end,
                                int(s.direct),
                                s.sentence,
                                _bodies_column(bodies_introducing(article.text, s.speaker)),
                                fold_name(s.speaker),
                            )
                            for s in statements(article.text)
                        ],
                    )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._current = True
        return len(todo)

    def _ensure_current(self) -> None:
        if not self._current:
            self.sync()

    def find(self, speaker: str, topic: str | None = None, limit: int = 20) -> list[Quote]:
        """What `speaker` said (surname or full name), about `topic` if given, best first. A
        body's or a country's words include those of whoever its articles introduce with a
        title under it: "the Kremlin" finds "Kremlin spokesman Dmitry Peskov"'s. A statement
        is about `topic` when it holds all its words, or one of its names and half its other
        words with the rest in its headline or near it; those holding all come first."""
        self._ensure_current()
        last = speaker.split()[-1] if speaker.split() else speaker
        # Looked up as spelt any way: "Zelenskyy" finds "Zelensky" and "Zelenskiy", and
        # "Erdogan" finds "Erdoğan" (SQLite's LIKE folds the case of ASCII letters only).
        surname = f"%{fold_name(last)}%"
        body = _bodies_column([without_the(speaker)])
        with self._lock:
            rows = self._conn.execute(
                "SELECT speaker, sentence, direct, article_id, start, end, bodies FROM quotes "
                "WHERE spelling LIKE ? OR bodies LIKE ? ORDER BY article_id, start",
                (surname, f"%{body}%"),
            ).fetchall()
        wanted = set(terms(topic)) if topic else set()
        names = _names(topic) if topic else []
        other = wanted.difference(*names)
        theirs = []
        for row in rows:
            if not (speaker_matches(row[0], speaker) or body in row[6]):
                continue
            # No topic, nothing to read: most look-ups name a speaker alone.
            held = wanted & sentence_terms(row[1]) if wanted else wanted
            # One of the topic's names and half its other words; the rest must be near.
            names_one = not names or any(name <= held for name in names)
            if names_one and 2 * len(held & other) >= len(other):
                theirs.append((row[:6], held))
        articles = self._manifest.articles({row[3] for row, _ in theirs})
        quotes: list[Quote] = []
        loosely: list[Quote] = []
        for (who, sentence, direct, aid, start, end), held in theirs:
            article = articles.get(aid)
            if article is None:
                continue
            on_topic = held == wanted
            if not on_topic:
                # One of the topic's names and half its other words in the statement, the
                # rest in its headline or around it: "Gallagher said January's figures were
                # 'decent numbers'" is about "the retail figures" in a report on retail
                # sales, and "Mariposa Grove is in a very good place" about "Yosemite's
                # Mariposa Grove during the Washburn Fire" in a report on that fire.
                # ("South Korea" is one name: Putin on North Korea is not on it.)
                around = article.text[max(0, start - _NEAR) : end + _NEAR]
                if not wanted <= sentence_terms(f"{article.title}\n{around}"):
                    continue
            (quotes if on_topic else loosely).append(
                Quote(
                    who,
                    sentence,
                    bool(direct),
                    aid,
                    article.title,
                    article.source,
                    article.published,
                    start,
                    end,
                    article.url,
                )
            )
        # Those holding the whole topic first; then newest first; within an article, in the
        # order written.
        for found in (quotes, loosely):
            found.sort(key=lambda q: (q.published or "", q.article_id, -q.start), reverse=True)
        return [*quotes, *loosely][:limit]

    def speakers(self, limit: int | None = None) -> list[tuple[str, int]]:
        """Everyone with attributed statements and how many, most quoted first."""
        self._ensure_current()
        with self._lock:
            return list(
                self._conn.execute(
                    "SELECT speaker, COUNT(*) FROM quotes GROUP BY speaker "
                    "ORDER BY 2 DESC, 1 LIMIT ?",
                    (-1 if limit is None else limit,),
                )
            )

    def close(self) -> None:
        self._conn.close()
