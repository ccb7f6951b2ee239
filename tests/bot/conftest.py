"""Bot fixtures: a fake Bot API server and a real Application polling it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotApplication, build_application
from bot.settings import BotSettings
from retrieval.service import Newsbot
from tests.fakes.telegram_api import ApiCall, FakeTelegramServer, private_chat, user

TOKEN = "987654321:AAH-fake-token_for-tests-0123456789abc"
ALICE = 1001  # an ordinary user
BOB = 1002  # another ordinary user
ADMIN = 1003
GROUP = -100555


def make_settings(**overrides: Any) -> BotSettings:
    """Every field explicit, so a developer's .env or environment cannot leak into tests."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "allowed_user_ids": frozenset(),
        "allowed_chat_ids": frozenset(),
        "admin_user_ids": frozenset({ADMIN}),
        "max_upload_bytes": 5_000_000,
        "rate_limit_questions": 100,
        "rate_limit_window_s": 60.0,
        "telegram_base_url": None,
        "telegram_base_file_url": None,
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)


class Harness:
    """A running bot plus the fake server it talks to, with conversation helpers."""

    def __init__(self, server: FakeTelegramServer, app: BotApplication, data_dir: Path) -> None:
        self.server = server
        self.app = app
        self.data_dir = data_dir

    async def send(
        self,
        text: str | None,
        *,
        sender: int = ALICE,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        document: dict[str, Any] | None = None,
        caption: str | None = None,
        topic: int | None = None,
        timeout: float = 30.0,
    ) -> ApiCall:
        """Send a message as `sender` and return the bot's first reply in that chat."""
        chat = chat or private_chat(sender)
        mark = len(self.server.calls)
        self.server.push_message(
            text,
            from_user=user(sender),
            chat=chat,
            reply_to=reply_to,
            document=document,
            caption=caption,
            topic=topic,
        )
        return await self.server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == chat["id"], after=mark, timeout=timeout
        )

    async def press(self, reply: ApiCall, *, sender: int = ALICE) -> int:
        """Press the first inline button under the message `reply` created; returns a call mark."""
        chat_id = reply.params["chat_id"]
        message = self.message_for(reply)
        data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        mark = len(self.server.calls)
        self.server.push_callback(data, from_user=user(sender), message=message)
        await self.server.wait_for("answerCallbackQuery", after=mark)
        assert chat_id == message["chat"]["id"]
        return mark

    def message_for(self, reply: ApiCall) -> dict[str, Any]:
        """The message the fake server created for a sendMessage call."""
        chat_id = reply.params["chat_id"]
        for message in self.server.bot_messages(chat_id):
            if message.get("reply_markup") == reply.params.get("reply_markup") and (
                message["text"] == reply.params["text"]
            ):
                return message
        raise AssertionError("the bot's message is gone or was edited")


@contextlib.asynccontextmanager
async def running(app: BotApplication) -> AsyncIterator[BotApplication]:
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
def telegram_server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
def bot_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "botdata"


@pytest.fixture
def start_bot(
    telegram_server: FakeTelegramServer, bot_data_dir: Path
) -> Callable[..., contextlib.AbstractAsyncContextManager[Harness]]:
    """`async with start_bot(newsbot, **settings) as bot:` runs a fresh Application."""

    @contextlib.asynccontextmanager
    async def start(
        newsbot: Newsbot,
        *,
        clock: Callable[[], float] | None = None,
        concurrent_updates: int = 64,
        **overrides: Any,
    ) -> AsyncIterator[Harness]:
        extra: dict[str, Any] = {"clock": clock} if clock else {}
        app = build_application(
            newsbot,
            make_settings(**overrides),
            data_dir=bot_data_dir,
            base_url=telegram_server.base_url,
            base_file_url=telegram_server.base_file_url,
            network_retries=2,
            concurrent_updates=concurrent_updates,
            **extra,
        )
        async with running(app):
            yield Harness(telegram_server, app, bot_data_dir)

    return start
