"""The `python -m bot` entry point: configuration errors, seeding, and a real polling run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.__main__ import _seed_if_empty, run_telegram
from retrieval.service import Newsbot
from tests.bot.conftest import ALICE, TOKEN
from tests.bot.test_access_and_uploads import ARTICLE
from tests.fakes.telegram_api import FakeTelegramServer, user

ROOT = Path(__file__).resolve().parents[2]
BOT_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "ALLOWED_USER_IDS",
    "ALLOWED_CHAT_IDS",
    "ADMIN_USER_IDS",
    "TELEGRAM_BASE_URL",
    "TELEGRAM_BASE_FILE_URL",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No bot settings from the environment or a .env file."""
    for name in BOT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_missing_token_exits_2_with_the_botfather_hint(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_telegram([]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


def test_bad_id_list_exits_2_naming_the_setting(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ALLOWED_USER_IDS", "12,alice")
    assert run_telegram([]) == 2
    err = capsys.readouterr().err
    assert "ALLOWED_USER_IDS" in err
    assert TOKEN not in err


def test_seeds_are_indexed_only_into_an_empty_index(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "zorblax.txt").write_text(ARTICLE, encoding="utf-8")
    newsbot = newsbot_factory()
    _seed_if_empty(newsbot, seeds)
    assert newsbot.stats().articles == 1
    (seeds / "second.txt").write_text(ARTICLE.replace("Zorblax", "Quorble"), encoding="utf-8")
    _seed_if_empty(newsbot, seeds)  # not empty any more: nothing re-read
    assert newsbot.stats().articles == 1


async def test_python_m_bot_polls_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    # --no-seed keeps the embedding model unloaded, so this stays quick; seeding is tested above
    env = {
        **{k: v for k, v in os.environ.items() if k not in BOT_ENV},
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_LOG_LEVEL": "DEBUG",
    }
    log_path = tmp_path / "output.log"
    with FakeTelegramServer(TOKEN) as server, log_path.open("w") as log:
        env["TELEGRAM_BASE_URL"] = server.base_url
        # a file, not a pipe: DEBUG output could fill a pipe and stall the bot
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--no-seed"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            await server.wait_for("getUpdates", timeout=120)
            server.push_message("/stats", from_user=user(ALICE))
            reply = await server.wait_for("sendMessage", timeout=30)
            assert "Articles: 0" in reply.params["text"]
            assert [c["command"] for c in server.commands][:1] == ["ask"]  # post_init ran
        finally:
            process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            if process.poll() is None:
                process.kill()
            process.wait()
    output = log_path.read_text(encoding="utf-8")
    assert process.returncode == 0, output[-3000:]
    assert "the Telegram bot is running" in output
    assert "<redacted-token>" in output  # debug logs did mention the API URL, cleaned
    assert TOKEN not in output
    assert (tmp_path / "data" / "bot.sqlite3").exists()


def test_a_token_telegram_rejects_exits_2(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "111:not-the-token-the-server-knows"
    with FakeTelegramServer(TOKEN) as server:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", wrong)
        monkeypatch.setenv("TELEGRAM_BASE_URL", server.base_url)
        monkeypatch.setenv("NEWSBOT_DATA_DIR", str(clean_env / "data"))
        assert run_telegram(["--no-seed"]) == 2
    err = capsys.readouterr().err
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in err
    assert wrong not in err
