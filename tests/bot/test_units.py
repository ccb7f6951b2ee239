"""The bot's small parts: settings, access, throttle, uploads, store and log redaction."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.access import AccessPolicy
from bot.redaction import REDACTED, install_secret_redaction
from bot.settings import BotSettings, MissingTokenError, derive_file_url
from bot.store import BotStore
from bot.throttle import QuestionThrottle
from bot.uploads import UploadRejected, check_upload, safe_upload_path, save_upload
from retrieval.models import Answer, Citation


def test_settings_read_comma_separated_ids_and_hide_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret-value")
    monkeypatch.setenv("ALLOWED_USER_IDS", "1, 2,3")
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-100123")
    monkeypatch.setenv("ADMIN_USER_IDS", "")
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1000")
    monkeypatch.setenv("RATE_LIMIT_QUESTIONS", "4")
    monkeypatch.setenv("RATE_LIMIT_WINDOW_S", "30")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://localhost:8081/bot")
    settings = BotSettings(_env_file=None)
    assert settings.allowed_user_ids == {1, 2, 3}
    assert settings.allowed_chat_ids == {-100123}
    assert settings.admin_user_ids == frozenset()
    assert (settings.max_upload_bytes, settings.rate_limit_questions) == (1000, 4)
    assert settings.rate_limit_window_s == 30
    assert settings.token() == "123:secret-value"
    assert "secret-value" not in repr(settings)
    assert settings.file_url() == "http://localhost:8081/file/bot"


def test_missing_token_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with pytest.raises(MissingTokenError, match="BotFather"):
        BotSettings(_env_file=None, telegram_bot_token="  ").token()


def test_file_url_follows_the_api_url() -> None:
    assert derive_file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert derive_file_url("http://h:1/bot/") == "http://h:1/file/bot"


def test_access_lists_are_open_when_empty_and_both_must_pass() -> None:
    assert AccessPolicy().allows(5, 5)
    users = AccessPolicy(allowed_users=frozenset({1}), admins=frozenset({9}))
    assert users.allows(1, -100) and users.allows(9, 9) and not users.allows(2, 2)
    chats = AccessPolicy(allowed_chats=frozenset({-100}))
    assert chats.allows(2, -100) and not chats.allows(2, 2)
    both = AccessPolicy(allowed_users=frozenset({1}), allowed_chats=frozenset({-100}))
    assert both.allows(1, -100) and not both.allows(1, 1) and not both.allows(2, -100)
    # An admin of a bot kept to one group still talks to it in private, to add articles.
    group_only = AccessPolicy(allowed_chats=frozenset({-100}), admins=frozenset({9}))
    assert group_only.allows(9, 9) and group_only.allows(9, -100)
    assert not group_only.allows(9, -200) and not group_only.allows(2, 2)


def test_throttle_allows_n_per_sliding_window() -> None:
    now = [100.0]
    throttle = QuestionThrottle(2, 10.0, clock=lambda: now[0])
    assert throttle.acquire(1) == 0 and throttle.acquire(1) == 0
    assert throttle.acquire(1) == pytest.approx(10.0)
    assert throttle.acquire(2) == 0  # per user
    now[0] += 5
    assert throttle.acquire(1) == pytest.approx(5.0)
    now[0] += 5.01
    assert throttle.acquire(1) == 0
    assert QuestionThrottle(0, 10.0).acquire(1) == 0  # 0 turns it off


@pytest.mark.parametrize(
    "name",
    ["../../x.txt", "/etc/cron.d/evil.md", "..\\..\\win.txt", "..", "", ".hidden.json", "a/b/c.md"],
)
def test_upload_names_never_leave_the_uploads_folder(tmp_path: Path, name: str) -> None:
    uploads = tmp_path / "uploads"
    path = save_upload(uploads, name, b"text")
    assert path.parent == uploads.resolve()
    assert path.read_bytes() == b"text"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]


def test_upload_names_keep_a_readable_basename(tmp_path: Path) -> None:
    path = safe_upload_path(tmp_path, "../../Kim & Putin's summit.MD")
    assert path.name.endswith("-Kim_Putin_s_summit.md")
    assert len(path.name.split("-", 1)[0]) == 32  # a uuid chosen by the server


def test_upload_checks_type_and_declared_size() -> None:
    check_upload("a.jsonl", 10, 100)
    with pytest.raises(UploadRejected, match=r"\.pdf"):
        check_upload("report.pdf", 10, 100)
    with pytest.raises(UploadRejected, match="no extension"):
        check_upload("README", 10, 100)
    with pytest.raises(UploadRejected, match="limit is 100 bytes"):
        check_upload("a.txt", 101, 100)


def test_store_round_trips_answers_and_last_questions(tmp_path: Path) -> None:
    answer = Answer(
        "q",
        "text [1]",
        True,
        (Citation(1, "a", "T", None, "2024-01-01", None, "quote", 0.5, ("AP",)),),
    )
    store = BotStore(tmp_path / "bot.sqlite3")
    key = store.save_answer(7, answer)
    assert len(f"q:{key}".encode()) <= 64  # fits Telegram's callback_data
    store.set_message_ids(key, [10, 11])
    store.remember_question(7, 7, "first")
    store.remember_question(7, 7, "second")
    # In a group each member, and each forum topic, is a conversation of its own.
    store.remember_question(-100, 7, "alice's")
    store.remember_question(-100, 8, "bob's")
    store.remember_question(-100, 7, "alice's in a topic", thread_id=3)
    reopened = BotStore(tmp_path / "bot.sqlite3")
    stored = reopened.load_answer(key)
    assert stored is not None
    assert (stored.chat_id, stored.answer, stored.message_ids) == (7, answer, (10, 11))
    assert reopened.last_question(7, 7) == "second"
    assert reopened.last_question(8, 8) is None
    assert reopened.last_question(-100, 7) == "alice's"
    assert reopened.last_question(-100, 8) == "bob's"
    assert reopened.last_question(-100, 7, thread_id=3) == "alice's in a topic"
    assert reopened.last_question(-100, 9) is None
    assert reopened.load_answer("nope") is None
    # An hour on, "Why?" starts a new conversation instead of following the old one.
    assert BotStore(tmp_path / "bot.sqlite3", follow_up_s=-1).last_question(7, 7) is None


def test_store_drops_answers_and_quote_requests_past_retention(tmp_path: Path) -> None:
    store = BotStore(tmp_path / "bot.sqlite3")
    key = store.save_answer(1, Answer("q", "t", True))
    request = store.save_quote_request(1, "Putin about Korea")
    assert BotStore(tmp_path / "bot.sqlite3").load_quote_request(request, 1) == "Putin about Korea"
    pruned = BotStore(tmp_path / "bot.sqlite3", retention_s=-1)
    assert pruned.load_answer(key) is None
    assert pruned.load_quote_request(request, 1) is None


def test_token_is_redacted_from_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "555:redact-me-please"
    install_secret_redaction(token)
    log = logging.getLogger("some.library")
    caplog.set_level(logging.DEBUG)
    log.debug("POST https://api.telegram.org/bot%s/getMe", token)
    log.info(f"inline {token}")
    try:
        raise RuntimeError(f"failed for url /bot{token}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    assert token not in caplog.text
    assert caplog.text.count(REDACTED) >= 3
    assert all(token not in record.getMessage() for record in caplog.records)
    assert logging.getLogger("httpx").level == logging.WARNING


def test_an_upload_limit_telegram_cannot_serve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))
    with pytest.raises(ValidationError, match="20000000"):
        BotSettings(_env_file=None)
