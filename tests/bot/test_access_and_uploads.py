"""End to end: allow-lists, admin uploads (and their file names), refusals."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.handlers import REFUSED
from bot.store import BotStore
from bot.upload_handler import ADMINS_ONLY
from retrieval.service import Newsbot
from tests.bot.conftest import ADMIN, ALICE, BOB, GROUP, Harness
from tests.fakes.telegram_api import FakeTelegramServer, group_chat, user

StartBot = Callable[..., AbstractAsyncContextManager[Harness]]

ARTICLE = """Quillton celebrates the first Zorblax lantern festival

Updated 3 March 2025

QUILLTON: Thousands of residents filled the old harbour on Saturday for the first Zorblax \
lantern festival, a night of paper lanterns and brass bands.
Mayor Ottilie Brandvik said the festival would return every spring and called it \
"the brightest night in Quillton's history".
Organisers said more than 4,000 lanterns were released over the water.
"""


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


async def test_refused_user_gets_one_polite_line_and_nothing_else(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    async with start_bot(seeded_bot, allowed_user_ids=frozenset({ALICE})) as bot:
        mark = len(telegram_server.calls)
        refusal = await bot.send("What did Putin say about South Korea?", sender=BOB)
        assert refusal.params["text"] == REFUSED
        # Alice is still served
        allowed = await bot.send("/stats", sender=ALICE)
        assert allowed.params["text"].startswith("<b>Index</b>")

        later = telegram_server.calls[mark:]
        to_bob = [c for c in later if c.params.get("chat_id") == BOB]
        assert to_bob == [refusal]  # no typing, no answer, nothing else
        assert BotStore(bot.data_dir / "bot.sqlite3").last_question(BOB, BOB) is None

        # a refused user's button press and upload do nothing either
        document = telegram_server.add_file(b"Headline\n\nBody text.", "x.txt")
        telegram_server.push_message(None, from_user=user(BOB), document=document)
        query_id = telegram_server.push_callback(
            "src:2", from_user=user(BOB), message=bot.message_for(allowed)
        )
        answered = await telegram_server.wait_for(
            "answerCallbackQuery", lambda c: c.params["callback_query_id"] == query_id
        )
        assert answered.params["text"] == REFUSED
        await telegram_server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == BOB and c != refusal
        )
        assert not telegram_server.calls_to("getFile")
        assert not telegram_server.calls_to("editMessageText")
        assert not (bot.data_dir / "uploads").exists()


async def test_chat_allow_list_refuses_other_groups_quietly(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    other = group_chat(-100999, "Elsewhere")
    async with start_bot(
        seeded_bot, allowed_chat_ids=frozenset({GROUP}), concurrent_updates=1
    ) as bot:
        telegram_server.push_message("just chatting", from_user=user(ALICE), chat=other)
        refusal = await bot.send("/ask What did Putin say?", chat=other)
        assert refusal.params["text"] == REFUSED
        assert telegram_server.calls_to("sendMessage", chat_id=-100999) == [refusal]
        assert "/ask" in (await bot.send("/help", chat=group_chat(GROUP))).params["text"]


async def test_admin_upload_is_indexed_and_answerable(
    start_bot: StartBot,
    newsbot_factory: Callable[..., Newsbot],
    telegram_server: FakeTelegramServer,
) -> None:
    newsbot = newsbot_factory()
    async with start_bot(newsbot) as bot:
        document = telegram_server.add_file(ARTICLE.encode(), "zorblax.txt")
        reply = await bot.send(None, sender=ADMIN, document=document)
        text = reply.params["text"]
        assert text.startswith("Added zorblax.txt: articles: 1 new")
        assert "Quillton celebrates the first Zorblax lantern festival" in text
        [saved] = files_under(bot.data_dir / "uploads")
        assert saved.name.endswith("-zorblax.txt")
        assert saved.read_text(encoding="utf-8") == ARTICLE

        answer = await bot.send("What did the mayor say about the Zorblax festival?", sender=ADMIN)
        assert "brightest night" in answer.params["text"]
        assert "Quillton celebrates the first Zorblax lantern festival" in answer.params["text"]


async def test_upload_name_cannot_escape_the_uploads_folder(
    start_bot: StartBot,
    newsbot_factory: Callable[..., Newsbot],
    telegram_server: FakeTelegramServer,
    tmp_path: Path,
) -> None:
    newsbot = newsbot_factory()
    async with start_bot(newsbot) as bot:
        before = set(files_under(tmp_path))
        document = telegram_server.add_file(ARTICLE.encode(), "../../x.txt")
        reply = await bot.send(None, sender=ADMIN, document=document)
        assert reply.params["text"].startswith("Added ../../x.txt: articles: 1 new")
        uploads = (bot.data_dir / "uploads").resolve()
        new_files = set(files_under(tmp_path)) - before
        [saved] = [p for p in new_files if p.parent.resolve() == uploads]
        assert saved.name.endswith("-x.txt")
        assert not (tmp_path / "x.txt").exists()
        assert not (bot.data_dir / "x.txt").exists()
        assert not list(tmp_path.parent.glob("x.txt"))
        # everything else new is the bot's own state
        assert {p.name for p in new_files - {saved}} <= {
            "bot.sqlite3",
            "bot.sqlite3-journal",
            "bot.sqlite3-wal",
            "bot.sqlite3-shm",
        }


async def test_non_admin_upload_is_refused_and_nothing_is_written(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    articles_before = seeded_bot.stats().articles
    async with start_bot(seeded_bot) as bot:
        document = telegram_server.add_file(ARTICLE.encode(), "zorblax.txt")
        reply = await bot.send(None, sender=ALICE, document=document)
        assert reply.params["text"] == ADMINS_ONLY
        assert not telegram_server.calls_to("getFile")
        assert not (bot.data_dir / "uploads").exists()
    assert seeded_bot.stats().articles == articles_before


async def test_uploads_of_the_wrong_type_or_size_are_refused(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    articles_before = seeded_bot.stats().articles
    async with start_bot(seeded_bot, max_upload_bytes=1000) as bot:
        pdf = telegram_server.add_file(b"%PDF-1.4", "report.pdf")
        assert ".pdf" in (await bot.send(None, sender=ADMIN, document=pdf)).params["text"]

        big = telegram_server.add_file(b"x" * 2000, "big.txt")
        reply = await bot.send(None, sender=ADMIN, document=big)
        assert "2,000 bytes; the limit is 1,000 bytes" in reply.params["text"]
        assert not telegram_server.calls_to("getFile")  # refused before downloading

        # the announced size lies; the downloaded bytes are checked too
        liar = telegram_server.add_file(b"y" * 3000, "liar.txt", declared_size=10)
        reply = await bot.send(None, sender=ADMIN, document=liar)
        assert "limit is 1,000 bytes" in reply.params["text"]
        assert telegram_server.calls_to("getFile")
        assert not list((bot.data_dir / "uploads").glob("*"))
    assert seeded_bot.stats().articles == articles_before


async def test_unusable_upload_reports_the_problem_and_is_not_kept(
    start_bot: StartBot, seeded_bot: Newsbot, telegram_server: FakeTelegramServer
) -> None:
    articles_before = seeded_bot.stats().articles
    async with start_bot(seeded_bot) as bot:
        broken = telegram_server.add_file(b'{"title": "no body"', "broken.json")
        reply = await bot.send(None, sender=ADMIN, document=broken)
        assert reply.params["text"].startswith("broken.json")
        assert "not valid JSON" in reply.params["text"]
        assert str(bot.data_dir) not in reply.params["text"]  # no server paths
        assert not list((bot.data_dir / "uploads").glob("*"))
    assert seeded_bot.stats().articles == articles_before
