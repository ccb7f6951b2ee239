"""End to end in groups and forum topics: what is meant for the bot, and where replies go."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from telegram.ext import CommandHandler

from bot.app import COMMANDS, build_application
from bot.handlers import REFUSED
from bot.messages import KNOWN_COMMANDS
from retrieval import Newsbot
from tests.bot.conftest import ADMIN, ALICE, BOB, GROUP, Harness, make_settings
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegramServer, group_chat, user

StartBot = Callable[..., AbstractAsyncContextManager[Harness]]

ARTICLE = b"""Quillton opens its new tram line

Updated 3 March 2025

QUILLTON: The first trams ran on the new harbour line on Saturday.
Mayor Ottilie Brandvik said the line would carry 20,000 people a day.
"""


async def test_files_shared_in_a_group_count_only_when_addressed_to_the_bot(
    start_bot: StartBot,
    newsbot_factory: Callable[..., Newsbot],
    telegram_server: FakeTelegramServer,
) -> None:
    newsbot = newsbot_factory()
    group = group_chat(GROUP)
    async with start_bot(newsbot, concurrent_updates=1) as bot:
        for sender in (ADMIN, ALICE):  # members sharing files with each other
            document = telegram_server.add_file(ARTICLE, "minutes.txt")
            telegram_server.push_message(
                None, from_user=user(sender), chat=group, document=document
            )
        # updates run one at a time, so this reply comes after both files were handled
        assert "/ask" in (await bot.send("/help", chat=group)).params["text"]
        assert not telegram_server.calls_to("getFile")
        assert len(telegram_server.calls_to("sendMessage", chat_id=GROUP)) == 1
        assert newsbot.stats().articles == 0

        document = telegram_server.add_file(ARTICLE, "tram.txt")
        added = await bot.send(
            None, sender=ADMIN, chat=group, document=document, caption=f"@{BOT_USERNAME} add"
        )
        assert added.params["text"].startswith("Added tram.txt: articles: 1 new")
        document = telegram_server.add_file(ARTICLE, "tram.txt")
        refused = await bot.send(
            None, sender=ALICE, chat=group, document=document, caption=f"@{BOT_USERNAME}"
        )
        assert "only the bot's admins" in refused.params["text"]


async def test_refused_members_hear_nothing_about_other_bots_commands(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    group = group_chat(GROUP)
    async with start_bot(
        seeded_bot, allowed_user_ids=frozenset({ALICE}), concurrent_updates=1
    ) as bot:
        for text in ("/start@other_bot", "/weather Paris", "/ not a command"):
            telegram_server.push_message(text, from_user=user(BOB), chat=group)
        # updates run one at a time: Alice's answer comes after Bob's messages were handled
        helped = await bot.send("/help", sender=ALICE, chat=group)
        assert "/ask" in helped.params["text"]
        assert telegram_server.calls_to("sendMessage", chat_id=GROUP) == [helped]
        refusal = await bot.send(f"/stats@{BOT_USERNAME}", sender=BOB, chat=group)
        assert refusal.params["text"] == REFUSED


def _long_passages(tmp_path: Path) -> Path:
    """Three outlets' long sentences on one question: quoted, they need a second message."""
    places = [
        ["Aldgate", "Bramley", "Cotterell", "Dunmore", "Eastwick", "Fernhill", "Glenrow"],
        ["Harwood", "Ivybridge", "Jesmond", "Kelham", "Langley", "Marston", "Northam"],
        ["Oakridge", "Pelham", "Quarry Bank", "Redhill", "Stanway", "Thornbury", "Upton"],
    ]
    records = []
    for n, stops in enumerate(places):
        detail = ", ".join(
            f"a stop at {stop} with {k + 2} platforms, covered bicycle racks and a ticket hall"
            for k, stop in enumerate(stops * 2)
        )
        records.append(
            {
                "title": f"Harbour tram report {n}",
                "source": f"Outlet {n}",
                "published_at": f"2025-03-0{n + 1}",
                "text": f"The harbour tram line will carry {n + 2}0,000 riders a day, the "
                f"mayor said on Saturday, with {detail}.",
            }
        )
    path = tmp_path / "trams.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


async def test_pressing_show_passages_twice_sends_no_second_copy(
    start_bot: StartBot,
    newsbot_factory: Callable[..., Newsbot],
    telegram_server: FakeTelegramServer,
    tmp_path: Path,
) -> None:
    newsbot = newsbot_factory()
    newsbot.ingest([_long_passages(tmp_path)])
    group = group_chat(GROUP)
    async with start_bot(newsbot, concurrent_updates=1) as bot:
        reply = await bot.send(
            "/ask How many riders a day will the harbour tram line carry?", chat=group, topic=7
        )
        assert reply.params["message_thread_id"] == 7
        message = bot.message_for(reply)
        sent_before = len(telegram_server.calls_to("sendMessage", chat_id=GROUP))
        mark = await bot.press(reply)
        # the passages need more messages than the answer: the rest are sent after it
        await telegram_server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == GROUP, after=mark
        )
        await bot.send("/help", chat=group)  # handled after the press: every part is out
        extra = telegram_server.calls_to("sendMessage", chat_id=GROUP)[sent_before:-1]
        assert extra
        assert {c.params.get("message_thread_id") for c in extra} == {7}
        sent_before += 1

        mark = len(telegram_server.calls)
        telegram_server.push_callback(
            reply.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
            from_user=user(BOB),
            message=message,
        )
        await telegram_server.wait_for("answerCallbackQuery", after=mark)
        # the second press edits the same messages; a /help after it proves it was handled
        await bot.send("/help", chat=group)
        sent_after = telegram_server.calls_to("sendMessage", chat_id=GROUP)
        assert len(sent_after) == sent_before + len(extra) + 1


def test_the_commands_a_group_knows_are_the_ones_registered_and_in_the_menu(
    seeded_bot: Newsbot, tmp_path: Path
) -> None:
    # `KNOWN_COMMANDS` decides which group commands are the bot's; a command added to the
    # handlers but not there would be ignored in groups.
    app = build_application(
        seeded_bot, make_settings(), data_dir=tmp_path / "bot", base_url="http://127.0.0.1:9/bot"
    )
    registered = {
        command
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    assert registered == KNOWN_COMMANDS
    assert {c.command for c in COMMANDS} <= registered
