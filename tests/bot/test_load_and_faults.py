"""The bot under load and a flaky Bot API: every question answered once, in order, none lost."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Chat, Message, Update, User
from telegram.error import NetworkError, TimedOut

from benchmarks.bot_load import LoadConfig, dev_questions, run_load
from bot.app import build_application
from bot.handlers import SORRY
from bot.network import RetryingRateLimiter
from bot.updates import ChatOrderedUpdateProcessor
from retrieval.service import Newsbot
from tests.bot.conftest import ADMIN, ALICE, BOB, Harness, make_settings, running
from tests.fakes.telegram_api import ApiCall, FakeTelegramServer, FaultPlan, user

PUTIN_Q = "What did Putin say about South Korea?"
NOT_IN_THE_NEWS = "Who won the 2022 World Cup?"
TIMEOUT_S = 1.0  # the bot's request timeouts here; injected stalls outlast it

FlakyBot = Callable[..., AbstractAsyncContextManager[Harness]]


def _caused(error: NetworkError, cause: BaseException) -> NetworkError:
    """`error` as PTB raises it: `raise TimedOut from httpx_error`."""
    error.__cause__ = cause
    return error


@pytest.fixture
def flaky_bot(telegram_server: FakeTelegramServer, bot_data_dir: Path) -> FlakyBot:
    """A bot with short request timeouts over a server whose stalls outlast them."""

    @contextlib.asynccontextmanager
    async def start(newsbot: Newsbot) -> AsyncIterator[Harness]:
        telegram_server.inject_faults(FaultPlan(rate=0, stall_s=TIMEOUT_S + 0.5))
        app = build_application(
            newsbot,
            make_settings(),
            data_dir=bot_data_dir,
            base_url=telegram_server.base_url,
            base_file_url=telegram_server.base_file_url,
            request_timeout_s=TIMEOUT_S,
        )
        async with running(app):
            yield Harness(telegram_server, app, bot_data_dir)

    return start


def replies_to(server: FakeTelegramServer, message: dict[str, Any]) -> list[ApiCall]:
    """The delivered messages that answer `message` (answers quote their question)."""
    return [
        c
        for c in server.calls_to("sendMessage", chat_id=message["chat"]["id"])
        if c.delivered
        and (c.params.get("reply_parameters") or {}).get("message_id") == message["message_id"]
    ]


async def test_load_with_faults_answers_every_question_once_and_in_order(
    seeded_bot: Newsbot, tmp_path: Path
) -> None:
    # 10 chats x 5 questions keep this under a minute; benchmarks/bot_load.py runs 30 x 10.
    config = LoadConfig(
        chats=10, questions_per_chat=5, fault_rate=0.2, redeliver_rate=0.1, deadline_s=150
    )
    report = await run_load(seeded_bot, dev_questions(), config, data_dir=tmp_path / "bot")
    assert report.questions == 50
    assert report.answered == 50
    assert report.lost == 0
    assert report.duplicates == 0
    assert report.order_violations == 0
    assert report.apologies == 0
    # the faults did happen, every kind of them, and updates did arrive twice
    assert set(report.faults) == {"timeout", "reset", "5xx", "429"}
    assert sum(report.faults.values()) >= 0.1 * report.api_calls
    assert report.updates_redelivered >= config.chats
    assert report.retried_sends > 0
    assert len(report.latencies_s) == 50


async def test_a_timed_out_answer_is_not_sent_again_and_no_apology_follows(
    flaky_bot: FlakyBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with flaky_bot(seeded_bot):
        # the server posts the message, then answers too late: the bot cannot know it arrived
        telegram_server.fail_next("sendMessage", 2, kind="timeout")
        question = telegram_server.push_message(PUTIN_Q, from_user=user(ALICE))
        telegram_server.push_message("/stats", from_user=user(ALICE))
        # updates of one chat run in order: once /help is answered, both are done with
        telegram_server.push_message("/help", from_user=user(ALICE))
        await telegram_server.wait_for(
            "sendMessage", lambda c: "/sources lists" in c.params["text"]
        )

        [answer] = replies_to(telegram_server, question)
        assert answer.fault == "timeout" and "very big mistake" in answer.params["text"]
        sent = telegram_server.calls_to("sendMessage", chat_id=ALICE)
        assert sent[1].fault == "timeout" and sent[1].params["text"].startswith("<b>Index</b>")
        assert sent[1].delivered
        assert len(sent) == 3  # nothing sent twice
        assert SORRY not in [c.params["text"] for c in sent]


async def test_dropped_connections_and_server_errors_are_retried_until_delivered(
    flaky_bot: FlakyBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with flaky_bot(seeded_bot):
        telegram_server.fail_next("sendMessage", kind="reset")
        telegram_server.fail_next("sendMessage", status=500)
        telegram_server.fail_next("sendMessage", status=502)
        question = telegram_server.push_message(PUTIN_Q, from_user=user(ALICE))
        await _wait_until(lambda: bool(replies_to(telegram_server, question)))
        sent = telegram_server.calls_to("sendMessage", chat_id=ALICE)
        assert [c.status for c in sent] == [0, 500, 502, 200]
        assert len({c.params["text"] for c in sent}) == 1  # the same answer, tried again
        assert len(telegram_server.bot_messages(ALICE)) == 1


async def test_an_update_delivered_twice_is_answered_once(
    flaky_bot: FlakyBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with flaky_bot(seeded_bot):
        # redelivered while the first copy is still being answered…
        early = telegram_server.push_message(PUTIN_Q, from_user=user(ALICE))
        telegram_server.redeliver(telegram_server.update_id_of(early))
        # …and again long after it was answered and confirmed
        await _wait_until(lambda: bool(replies_to(telegram_server, early)))
        telegram_server.redeliver(telegram_server.update_id_of(early))
        last = telegram_server.push_message(NOT_IN_THE_NEWS, from_user=user(ALICE))
        await _wait_until(lambda: bool(replies_to(telegram_server, last)))

        assert telegram_server.redelivered == [telegram_server.update_id_of(early)] * 2
        assert len(replies_to(telegram_server, early)) == 1
        assert len(telegram_server.calls_to("sendMessage", chat_id=ALICE)) == 2


async def test_questions_of_one_chat_are_answered_in_the_order_asked(
    flaky_bot: FlakyBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    questions = dev_questions()[:6]
    async with flaky_bot(seeded_bot):
        asked = [telegram_server.push_message(q, from_user=user(BOB)) for q in questions]
        other = telegram_server.push_message(NOT_IN_THE_NEWS, from_user=user(ALICE))
        await _wait_until(lambda: all(replies_to(telegram_server, m) for m in asked), 60)
        answers = [replies_to(telegram_server, m) for m in asked]
        assert all(len(a) == 1 for a in answers)
        ids = [a[0].result["message_id"] for a in answers]
        assert ids == sorted(ids)
        # another chat did not wait for Bob's six answers
        [stats] = replies_to(telegram_server, other)
        assert stats.result["message_id"] < ids[-1]


async def test_a_failed_download_asks_for_the_file_again_and_keeps_nothing(
    flaky_bot: FlakyBot,
    newsbot_factory: Callable[..., Newsbot],
    telegram_server: FakeTelegramServer,
) -> None:
    newsbot = newsbot_factory()
    text = b"Harbour news\n\nThe Quillton harbour reopened on Monday after repairs.\n"
    async with flaky_bot(newsbot) as bot:
        for kind in ("reset", "timeout"):
            telegram_server.fail_next("download", kind=kind)
            document = telegram_server.add_file(text, "harbour.txt")
            reply = await bot.send(None, sender=ADMIN, document=document)
            assert reply.params["text"] == (
                "I could not download harbour.txt from Telegram (a network problem); "
                "please send it again."
            )
            assert not list((bot.data_dir / "uploads").glob("*"))
        again = await bot.send(None, sender=ADMIN, document=document)
        assert again.params["text"].startswith("Added harbour.txt: articles: 1 new")
    assert newsbot.stats().articles == 1


async def test_processor_runs_chats_side_by_side_each_in_order_and_each_update_once() -> None:
    events: list[tuple[str, str]] = []

    async def work(name: str) -> None:
        events.append(("start", name))
        await asyncio.sleep(0.05)
        events.append(("end", name))

    def update(update_id: int, chat_id: int) -> Update:
        chat = Chat(chat_id, Chat.PRIVATE)
        now = dt.datetime.now(dt.UTC)
        message = Message(update_id, now, chat, from_user=User(chat_id, "U", False))
        return Update(update_id, message=message)

    processor = ChatOrderedUpdateProcessor(8)
    plan = [(1, 10, "a1"), (2, 10, "a2"), (3, 20, "b1"), (2, 10, "a2-again"), (4, 10, "a3")]
    async with processor:
        await asyncio.gather(
            *(processor.process_update(update(uid, chat), work(name)) for uid, chat, name in plan)
        )
    started = [name for kind, name in events if kind == "start"]
    assert "a2-again" not in started  # the duplicate update id never ran
    a_events = [(kind, name) for kind, name in events if name.startswith("a")]
    assert a_events == [(k, n) for n in ("a1", "a2", "a3") for k in ("start", "end")]
    # chat 20 did not wait for chat 10
    assert events.index(("start", "b1")) < events.index(("end", "a1"))


@pytest.mark.parametrize(
    ("endpoint", "error", "calls"),
    [
        ("sendMessage", TimedOut(), 1),  # read timeout: it may have been posted
        ("sendMessage", _caused(TimedOut(), httpx.ReadTimeout("read")), 1),
        ("sendMessage", _caused(TimedOut(), httpx.ConnectTimeout("connect")), 3),  # never left
        ("sendMessage", _caused(TimedOut(), httpx.PoolTimeout("pool")), 3),
        ("sendMessage", NetworkError("Bad Gateway"), 3),
        ("sendChatAction", TimedOut(), 1),
        ("editMessageText", TimedOut(), 3),  # an edit is safe to repeat
        ("getFile", TimedOut(), 3),
    ],
)
async def test_only_calls_that_cannot_post_twice_are_retried(
    endpoint: str, error: NetworkError, calls: int
) -> None:
    attempts = []

    async def callback(*args: Any, **kwargs: Any) -> Any:
        attempts.append(endpoint)
        raise error

    limiter = RetryingRateLimiter(network_retries=2, backoff_s=0)
    await limiter.initialize()
    with pytest.raises(NetworkError):
        await limiter.process_request(callback, (), {}, endpoint, {"chat_id": 1}, None)
    await limiter.shutdown()
    assert len(attempts) == calls


async def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)
