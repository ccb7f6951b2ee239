"""End to end: a real Application over the seeded index, talking to the fake Bot API."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from bot.handlers import PASSAGES_BUTTON, SORRY
from bot.redaction import REDACTED
from bot.store import BotStore
from retrieval.service import Newsbot
from tests.bot.conftest import ALICE, BOB, GROUP, TOKEN, Harness
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegramServer, group_chat, user

PUTIN_Q = "What did Putin say about South Korea?"
PACT_HEADLINE = (
    "With its new pact with North Korea, Russia raises the stakes with the West over Ukraine"
)
NOT_FOUND = "I couldn't find that in the indexed articles."

StartBot = Callable[..., AbstractAsyncContextManager[Harness]]


def button_data(params: dict[str, Any]) -> str:
    return str(params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])


async def test_question_gets_a_cited_answer_and_the_button_shows_passages(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with start_bot(seeded_bot) as bot:
        reply = await bot.send(PUTIN_Q)
        text = reply.params["text"]
        assert reply.params["parse_mode"] == "HTML"
        assert "very big mistake" in text
        assert "[1]" in text
        assert "<b>Sources</b>" in text
        assert html.escape(PACT_HEADLINE, quote=False) in text
        assert "Arab News" in text
        assert "blockquote" not in text
        button = reply.params["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == PASSAGES_BUTTON
        assert len(button["callback_data"].encode()) <= 64
        assert telegram_server.calls_to("sendChatAction", chat_id=ALICE, action="typing")

        message_id = bot.message_for(reply)["message_id"]
        mark = await bot.press(reply)
        edit = await telegram_server.wait_for("editMessageText", after=mark)
        assert edit.params["chat_id"] == ALICE
        assert edit.params["message_id"] == message_id
        assert "<blockquote>" in edit.params["text"]
        assert "very big mistake" in edit.params["text"].split("<blockquote>", 1)[1]
        assert "reply_markup" not in edit.params  # the button is gone once pressed


async def test_passages_button_still_works_after_a_restart(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with start_bot(seeded_bot) as bot:
        reply = await bot.send(PUTIN_Q)
        message = bot.message_for(reply)
    # a new Application (new process, same data folder): nothing carried over in memory
    async with start_bot(seeded_bot) as restarted:
        mark = len(telegram_server.calls)
        telegram_server.push_callback(
            button_data(reply.params),
            from_user={"id": ALICE, "is_bot": False, "first_name": "A"},
            message=message,
        )
        edit = await telegram_server.wait_for("editMessageText", after=mark)
        assert edit.params["message_id"] == message["message_id"]
        assert "<blockquote>" in edit.params["text"]
        assert restarted.server.bot_messages(ALICE)[-1]["text"] == edit.params["text"]


async def test_unanswerable_question_gets_the_plain_not_found_reply(
    start_bot: StartBot, seeded_bot: Newsbot
) -> None:
    async with start_bot(seeded_bot) as bot:
        reply = await bot.send("Who won the 2022 World Cup?")
        assert reply.params["text"] == NOT_FOUND
        assert "reply_markup" not in reply.params
        assert "Sources" not in reply.params["text"]


async def test_whats_new_lists_the_newest_articles_with_sources(
    start_bot: StartBot, seeded_bot: Newsbot
) -> None:
    async with start_bot(seeded_bot) as bot:
        reply = await bot.send("What's new?")
        answer, sources = reply.params["text"].split("<b>Sources</b>", 1)
        assert answer.index("earthquake") < answer.index("[1]") < answer.index("[2]")
        assert "[3]" in answer and "[4]" not in answer
        assert "Magnitude 5.8 earthquake" in sources and "2025-07-17" in sources
        assert reply.params["reply_markup"]["inline_keyboard"][0][0]["text"] == PASSAGES_BUTTON


async def test_follow_up_question_uses_the_previous_one(
    start_bot: StartBot, seeded_bot: Newsbot
) -> None:
    async with start_bot(seeded_bot) as bot:
        first = await bot.send(PUTIN_Q, sender=BOB)
        assert "very big mistake" in first.params["text"]
        follow_up = await bot.send("and what did Kim say?", sender=BOB)
        answer = follow_up.params["text"].split("<b>Sources</b>", 1)[0]
        assert "Kim" in answer
        assert "very big mistake" not in answer
        # Kept as the chat meant it, so a third question still knows the subject.
        kept = BotStore(bot.data_dir / "bot.sqlite3").last_question(BOB, BOB)
        assert kept == "What did Kim say about South Korea?"


async def test_start_help_sources_and_stats_describe_the_index(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    stats = seeded_bot.stats()
    async with start_bot(seeded_bot) as bot:
        for command in ("/start", "/help"):
            text = (await bot.send(command)).params["text"]
            assert f"<b>{stats.articles}</b> indexed news articles" in text
            assert all(html.escape(outlet, quote=False) in text for outlet in stats.sources)
            assert f"latest: {stats.latest}" in text
            assert "send me a question" in text

        sources = (await bot.send("/sources")).params
        titles = [html.escape(i.title, quote=False) for i in seeded_bot.sources()]
        assert all(title in sources["text"] for title in titles)  # seeds fit on one page
        assert "reply_markup" not in sources
        assert "page 1/1" in (await bot.send("/sources 2")).params["text"]

        assert "see /help" in (await bot.send("/nonsense")).params["text"]

        text = (await bot.send("/stats")).params["text"]
        assert f"Articles: {stats.articles}" in text
        assert f"Passages: {stats.chunks}" in text

        assert bot.app.post_init is not None
        await bot.app.post_init(bot.app)  # run_polling does this
        assert [c["command"] for c in telegram_server.commands] == [
            "ask",
            "quotes",
            "sources",
            "stats",
            "help",
        ]


async def test_hi_and_help_as_plain_text_get_the_help_message_not_an_answer(
    start_bot: StartBot, seeded_bot: Newsbot
) -> None:
    async with start_bot(seeded_bot) as bot:
        first = await bot.send(PUTIN_Q)
        assert "very big mistake" in first.params["text"]
        for greeting in ("hi", "Help!", "What can you do?"):
            text = (await bot.send(greeting)).params["text"]
            assert "send me a question" in text and "Sources" not in text
        # Asked as a question, "help" would cite the seeds' sentences holding the word.
        assert "help" in " ".join(c.quote for c in seeded_bot.ask("help").citations)
        # The greetings are not remembered as questions: a follow-up still sees Putin's.
        assert BotStore(bot.data_dir / "bot.sqlite3").last_question(ALICE, ALICE) == PUTIN_Q
        group = await bot.send(f"@{BOT_USERNAME} help", chat=group_chat(GROUP))
        assert "/ask your question" in group.params["text"]


async def test_quotes_says_who_said_what(start_bot: StartBot, seeded_bot: Newsbot) -> None:
    async with start_bot(seeded_bot) as bot:
        listing = (await bot.send("/quotes")).params
        assert listing["parse_mode"] == "HTML"
        assert "<b>Most quoted</b>\n1. Vladimir Putin (" in listing["text"]

        korea = (await bot.send("/quotes putin about South Korea")).params
        said = korea["text"]
        assert "reply_markup" not in korea  # one page: no buttons
        assert said.startswith("<b>What Vladimir Putin said</b> about South Korea (")
        assert "very big mistake" in said and "Arab News" in said
        assert "Sue Mi Terry" not in said  # her words about Putin are hers

        asked = (await bot.send("/quotes What did Putin say about South Korea?")).params["text"]
        assert asked.startswith("<b>What Vladimir Putin said</b> about South Korea (")

        # More than fit in a reply: the reply says how many there are and how to narrow.
        everything = (await bot.send("/quotes Putin")).params
        total = len(seeded_bot.quotes("Putin", limit=1000))
        assert total > 10
        assert f"(the newest 10 of {total} statements)" in everything["text"]
        assert everything["text"].count("\n— ") == 10
        assert "Add a topic to narrow it" in everything["text"]
        [older] = everything["reply_markup"]["inline_keyboard"][0]
        assert older["text"] == "Older ›" and older["callback_data"].endswith(":o:10")

        # No "about": the whole text names no one, so the name is read shorter.
        narrowed = (await bot.send("/quotes Putin Seoul")).params["text"]
        assert "said</b> about Seoul (" in narrowed and "Seoul" in narrowed.split("\n", 1)[1]

        nobody = (await bot.send("/quotes Nobody <i>Atall</i>")).params["text"]
        assert nobody == (
            "I found no statements by <b>Nobody &lt;i&gt;Atall&lt;/i&gt;</b> in the indexed "
            "articles."
        )
        # Someone quoted, but never on that topic: the reply says which part was the name.
        elsewhere = (await bot.send("/quotes Putin about cheese")).params["text"]
        assert elsewhere.startswith("I found no statements by <b>Putin</b> about cheese")
        too_long = (await bot.send("/quotes " + "Putin " * 50)).params["text"]
        assert "too long for a name" in too_long and "/quotes Putin" in too_long


async def test_quotes_pages_with_buttons_that_survive_a_restart(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    total = len(seeded_bot.quotes("Putin", limit=1000))
    async with start_bot(seeded_bot) as bot:
        first = await bot.send("/quotes Putin")
        assert first.params["text"].count("\n— ") == 10
        message_id = bot.message_for(first)["message_id"]
        mark = await bot.press(first)
        older = await telegram_server.wait_for("editMessageText", after=mark)
        text = older.params["text"]
        assert f"(statements 11–{min(total, 20)} of {total}, newest first)" in text
        assert "\n\n11. " in text and "\n\n1. " not in text
        newer_button = older.params["reply_markup"]["inline_keyboard"][0][0]
        assert newer_button["text"] == "‹ Newer"
    # A new Application over the same data: the buttons still work, and not in another chat.
    async with start_bot(seeded_bot) as bot:
        message = telegram_server.messages[(ALICE, message_id)]

        def press(on: dict[str, Any]) -> int:
            mark = len(telegram_server.calls)
            telegram_server.push_callback(
                newer_button["callback_data"], from_user=user(ALICE), message=on
            )
            return mark

        pressed = press(message)
        back = await telegram_server.wait_for("editMessageText", after=pressed)
        await telegram_server.wait_for("answerCallbackQuery", after=pressed)  # once edited
        assert f"(the newest 10 of {total} statements)" in back.params["text"]
        assert back.params["text"].count("\n— ") == 10
        elsewhere = {**message, "chat": group_chat(GROUP)}
        refused = await telegram_server.wait_for("answerCallbackQuery", after=press(elsewhere))
        assert "no longer available" in refused.params["text"]


async def test_sources_pages_with_buttons(
    start_bot: StartBot,
    newsbot_factory: Callable[..., Newsbot],
    tmp_path: Any,
    telegram_server: FakeTelegramServer,
) -> None:
    records = "\n".join(
        json.dumps(
            {
                "title": f"Story {i:02d} about harbour works",
                "text": f"The harbour in town {i:02d} got a new pier on Monday. "
                "Workers finished it early.",
                "source": "Gazette",
                "published": f"2024-05-{i + 1:02d}",
            }
        )
        for i in range(12)
    )
    (tmp_path / "many.jsonl").write_text(records, encoding="utf-8")
    newsbot = newsbot_factory()
    newsbot.ingest([tmp_path / "many.jsonl"])
    async with start_bot(newsbot) as bot:
        first = await bot.send("/sources")
        assert "page 1/2" in first.params["text"] and "Story 11" in first.params["text"]
        [next_button] = first.params["reply_markup"]["inline_keyboard"][0]
        assert next_button["callback_data"] == "src:2"
        mark = await bot.press(first)
        edit = await telegram_server.wait_for("editMessageText", after=mark)
        assert "page 2/2" in edit.params["text"] and "Story 00" in edit.params["text"]
        assert "Story 11" not in edit.params["text"]
        [prev_button] = edit.params["reply_markup"]["inline_keyboard"][0]
        assert prev_button["callback_data"] == "src:1"


async def test_group_chat_answers_only_commands_mentions_and_replies(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    group = group_chat(GROUP)
    async with start_bot(seeded_bot, concurrent_updates=1) as bot:
        mark = len(telegram_server.calls)
        telegram_server.push_message(
            PUTIN_Q, from_user={"id": ALICE, "is_bot": False, "first_name": "A"}, chat=group
        )
        # updates run one at a time here, so the /help reply proves the chatter was handled
        help_reply = await bot.send("/help", chat=group)
        assert "/ask" in help_reply.params["text"]
        replies = telegram_server.calls_to("sendMessage", chat_id=GROUP)
        assert replies == [help_reply]
        assert not [c for c in telegram_server.calls[mark:] if c.method == "sendChatAction"]

        asked = await bot.send(f"/ask {PUTIN_Q}", chat=group)
        assert "very big mistake" in asked.params["text"]
        assert asked.params["reply_parameters"]["message_id"]  # replies to the asker

        mentioned = await bot.send(f"@{BOT_USERNAME} {PUTIN_Q}", chat=group)
        assert "very big mistake" in mentioned.params["text"]

        replied = await bot.send(
            "and what did Kim say?", chat=group, reply_to=bot.message_for(mentioned)
        )
        assert "Kim" in replied.params["text"].split("<b>Sources</b>", 1)[0]


async def test_group_members_follow_up_on_their_own_questions(
    start_bot: StartBot, seeded_bot: Newsbot
) -> None:
    group = group_chat(GROUP)
    async with start_bot(seeded_bot, concurrent_updates=1) as bot:
        await bot.send(f"/ask {PUTIN_Q}", chat=group, sender=ALICE)
        await bot.send("/ask What did the FT say about the pact?", chat=group, sender=BOB)
        # Alice's follow-up is about her question, though Bob asked since.
        alice = await bot.send("/ask and what did Kim say?", chat=group, sender=ALICE)
        assert "Kim" in alice.params["text"].split("<b>Sources</b>", 1)[0]
        store = BotStore(bot.data_dir / "bot.sqlite3")
        assert store.last_question(GROUP, ALICE) == "What did Kim say about South Korea?"
        assert store.last_question(GROUP, BOB) == "What did the FT say about the pact?"
        bob = await bot.send("/ask And Arab News?", chat=group, sender=BOB)
        assert "Arab News" in bob.params["text"].split("<b>Sources</b>", 1)[1]
        assert store.last_question(GROUP, BOB) == "What did Arab News say about the pact?"


async def test_rate_limit_gives_a_friendly_reply(start_bot: StartBot, seeded_bot: Newsbot) -> None:
    now = [1000.0]
    async with start_bot(
        seeded_bot, clock=lambda: now[0], rate_limit_questions=2, rate_limit_window_s=60
    ) as bot:
        for _ in range(2):
            assert (await bot.send("Who won the 2022 World Cup?")).params["text"] == NOT_FOUND
        limited = (await bot.send("Who won the 2022 World Cup?")).params["text"]
        assert "faster than I can keep up" in limited and "try again in 60 s" in limited
        assert (await bot.send("/stats")).params["text"].startswith("<b>Index</b>")
        now[0] += 61
        assert (await bot.send("Who won the 2022 World Cup?")).params["text"] == NOT_FOUND


async def test_429_is_waited_out_and_the_message_delivered(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with start_bot(seeded_bot) as bot:
        telegram_server.fail_next("sendMessage", 1, retry_after=1)
        refused = await bot.send("/stats")
        delivered = await telegram_server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == ALICE and c != refused
        )
        assert telegram_server.calls_to("sendMessage", chat_id=ALICE) == [refused, delivered]
        assert refused.params["text"] == delivered.params["text"]
        assert delivered.at - refused.at >= 1.0  # honoured retry_after
        [message] = telegram_server.bot_messages(ALICE)
        assert message["text"].startswith("<b>Index</b>")


async def test_network_error_is_retried(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with start_bot(seeded_bot) as bot:
        telegram_server.fail_next("sendMessage", 1, status=502)
        failed = await bot.send("/stats")
        delivered = await telegram_server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == ALICE and c != failed
        )
        assert telegram_server.calls_to("sendMessage", chat_id=ALICE) == [failed, delivered]
        [message] = telegram_server.bot_messages(ALICE)
        assert message["text"] == failed.params["text"]


async def test_errors_are_logged_and_the_user_gets_a_generic_apology(
    start_bot: StartBot,
    seeded_bot: Newsbot,
    telegram_server: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with start_bot(seeded_bot) as bot:
        reply = await bot.send(PUTIN_Q)
        message = bot.message_for(reply)
        telegram_server.messages.pop((ALICE, message["message_id"]))  # the user deleted it
        mark = len(telegram_server.calls)
        telegram_server.push_callback(
            button_data(reply.params),
            from_user={"id": ALICE, "is_bot": False, "first_name": "A"},
            message=message,
        )
        # A pressed button is answered in its pop-up, not with a message in the chat.
        apology = await telegram_server.wait_for("answerCallbackQuery", after=mark)
        assert apology.params["text"] == SORRY and apology.params["show_alert"] in (True, "true")
        assert "sendMessage" not in [c.method for c in telegram_server.calls[mark:]]
        assert "error while handling an update" in caplog.text
        assert "message to edit not found" in caplog.text.lower()  # details: log only


async def test_token_never_appears_in_logs(
    start_bot: StartBot,
    seeded_bot: Newsbot,
    telegram_server: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with start_bot(seeded_bot) as bot:
        assert logging.getLogger("httpx").level == logging.WARNING
        caplog.set_level(logging.DEBUG, logger="httpx")  # request URLs carry the token
        await bot.send("/start")
        reply = await bot.send(PUTIN_Q)
        mark = await bot.press(reply)
        await telegram_server.wait_for("editMessageText", after=mark)
        telegram_server.fail_next("sendMessage", 1, retry_after=1)
        refused = await bot.send("Who won the 2022 World Cup?")
        await telegram_server.wait_for(
            "sendMessage",
            lambda c: (
                c != refused and c.params["chat_id"] == ALICE and c.params["text"] == NOT_FOUND
            ),
        )
    assert REDACTED in caplog.text  # URLs with the token were logged, and cleaned
    assert TOKEN not in caplog.text
    assert TOKEN.split(":", 1)[1] not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
