"""SQLite memory behind buttons and follow-ups: answers, /quotes requests, conversations."""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval import Answer, Citation

logger = logging.getLogger(__name__)

# Telegram lets users press buttons on old messages for as long as they like; a quarter of a
# year of answers is plenty and keeps the file small.
DEFAULT_RETENTION_S = 90 * 24 * 3600
# How long a chat's last question is what a follow-up refers to.
FOLLOW_UP_S = 60 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    created REAL NOT NULL,
    answer TEXT NOT NULL,
    message_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS answers_created ON answers (created);
CREATE TABLE IF NOT EXISTS quote_requests (
    key TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    created REAL NOT NULL,
    request TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quote_requests_created ON quote_requests (created);
-- One chat-wide last question (before 2026-11-25) mixed up a group's conversations.
DROP TABLE IF EXISTS last_questions;
CREATE TABLE IF NOT EXISTS conversations (
    chat_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (chat_id, thread_id, user_id)
);
"""


@dataclass(frozen=True)
class StoredAnswer:
    key: str
    chat_id: int
    answer: Answer
    message_ids: tuple[int, ...]


class BotStore:
    """Answers keyed by a short id (callback_data holds only 64 bytes) and last questions.

    Each call opens its own short-lived connection, so the store needs no shutdown hook and two
    Applications over the same file (a restart) see each other's writes.
    """

    def __init__(
        self,
        path: Path,
        *,
        retention_s: float = DEFAULT_RETENTION_S,
        follow_up_s: float = FOLLOW_UP_S,
    ) -> None:
        self.path = path
        self.follow_up_s = follow_up_s
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)
            oldest = time.time() - retention_s
            conn.execute("DELETE FROM answers WHERE created < ?", (oldest,))
            conn.execute("DELETE FROM quote_requests WHERE created < ?", (oldest,))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock, closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
            yield conn

    def save_answer(self, chat_id: int, answer: Answer) -> str:
        """Remember `answer` and return the short key to put in a button's callback_data."""
        key = secrets.token_urlsafe(9)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO answers (key, chat_id, created, answer) VALUES (?, ?, ?, ?)",
                (key, chat_id, time.time(), json.dumps(_answer_to_json(answer))),
            )
        return key

    def set_message_ids(self, key: str, message_ids: Sequence[int]) -> None:
        with self._connect() as conn:
            conn.execute(
                "UPDATE answers SET message_ids = ? WHERE key = ?",
                (json.dumps(list(message_ids)), key),
            )

    def load_answer(self, key: str) -> StoredAnswer | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT chat_id, answer, message_ids FROM answers WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        try:
            answer = _answer_from_json(json.loads(row[1]))
            message_ids = tuple(int(i) for i in json.loads(row[2]))
        except (ValueError, TypeError, KeyError):
            logger.warning("stored answer %s is unreadable; ignoring it", key)
            return None
        return StoredAnswer(key=key, chat_id=int(row[0]), answer=answer, message_ids=message_ids)

    def save_quote_request(self, chat_id: int, request: str) -> str:
        """Remember a /quotes request, so its page buttons can ask it again; returns the key."""
        key = secrets.token_urlsafe(6)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO quote_requests (key, chat_id, created, request) VALUES (?, ?, ?, ?)",
                (key, chat_id, time.time(), request),
            )
        return key

    def load_quote_request(self, key: str, chat_id: int) -> str | None:
        """The request saved under `key` in that chat; None if unknown or another chat's."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT request FROM quote_requests WHERE key = ? AND chat_id = ?",
                (key, chat_id),
            ).fetchone()
        return str(row[0]) if row else None

    def last_question(self, chat_id: int, user_id: int, thread_id: int | None = None) -> str | None:
        """The last question `user_id` asked in that chat (and forum topic), if asked within
        `follow_up_s`: a "Why?" the next day starts a new conversation, and in a group each
        member's follow-ups follow their own questions, not whoever asked last."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT question FROM conversations WHERE chat_id = ? AND thread_id = ? "
                "AND user_id = ? AND updated >= ?",
                (chat_id, thread_id or 0, user_id, time.time() - self.follow_up_s),
            ).fetchone()
        return str(row[0]) if row else None

    def remember_question(
        self, chat_id: int, user_id: int, question: str, thread_id: int | None = None
    ) -> None:
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO conversations (chat_id, thread_id, user_id, question, updated) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, thread_id, user_id) DO UPDATE "
                "SET question = excluded.question, updated = excluded.updated",
                (chat_id, thread_id or 0, user_id, question, time.time()),
            )


def _answer_to_json(answer: Answer) -> dict[str, Any]:
    return dataclasses.asdict(answer)


def _answer_from_json(data: dict[str, Any]) -> Answer:
    names = {f.name for f in dataclasses.fields(Citation)}
    citations = []
    for raw in data.get("citations", []):
        fields = {k: v for k, v in raw.items() if k in names}
        fields["also_reported_by"] = tuple(fields.get("also_reported_by") or ())
        citations.append(Citation(**fields))
    return Answer(
        question=str(data["question"]),
        text=str(data["text"]),
        found=bool(data["found"]),
        citations=tuple(citations),
    )
