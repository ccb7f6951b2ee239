"""The commands that read the index: /help, /stats, and /sources and /quotes with page buttons."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.formatting import (
    format_help,
    format_sources_page,
    format_stats,
)
from bot.messages import Context, answer_query, edit_html, reply_html
from bot.quote_replies import (
    MAX_REQUEST_CHARS,
    USAGE,
    QuotesPage,
    format_quotes_page,
    format_speakers,
)
from bot.store import BotStore
from retrieval import Newsbot, names_someone

logger = logging.getLogger(__name__)

SOURCES_PREFIX = "src:"
QUOTES_PREFIX = "quo:"
QUOTES_EXPIRED = "That list is no longer available; please send /quotes again."
SPEAKERS_SHOWN = 15
# Statements read per request: the pages reach back this far.
_QUOTES_READ = 1000
_PAGE_RE = re.compile(r"[0-9]{1,6}")


class CommandHandlers:
    """Commands that only read the index; each reply is one message (or a few, if long)."""

    def __init__(self, newsbot: Newsbot, store: BotStore) -> None:
        self.newsbot = newsbot
        self.store = store

    def register(self, app: Application) -> None:
        new = filters.UpdateType.MESSAGE  # edited messages are not new commands
        app.add_handler(CommandHandler(["start", "help"], self.help, filters=new))
        app.add_handler(CommandHandler("sources", self.sources, filters=new))
        app.add_handler(CommandHandler("stats", self.stats, filters=new))
        app.add_handler(CommandHandler("quotes", self.quotes, filters=new))
        app.add_handler(CallbackQueryHandler(self.sources_page, pattern=r"^src:[0-9]{1,6}$"))
        app.add_handler(
            CallbackQueryHandler(
                self.quotes_page, pattern=r"^quo:[A-Za-z0-9_\-]{1,16}:[no]:[0-9]{1,6}$"
            )
        )

    async def help(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None:
            await self.reply_help(message, context)

    async def reply_help(self, message: Message, context: Context) -> None:
        """What the bot knows and how to ask: for /help, /start, and a plain "hi" or "help"."""
        stats = await asyncio.to_thread(self.newsbot.stats)
        text = format_help(
            stats, private=message.chat.type == ChatType.PRIVATE, bot_username=context.bot.username
        )
        await reply_html(message, text)

    async def stats(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        stats = await asyncio.to_thread(self.newsbot.stats)
        await reply_html(message, format_stats(stats))

    async def sources(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        args = context.args or []
        page = int(args[0]) if args and _PAGE_RE.fullmatch(args[0]) else 1
        text, markup = await self._sources_page(page)
        await reply_html(message, text, reply_markup=markup)

    async def sources_page(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        text, markup = await self._sources_page(int(query.data.removeprefix(SOURCES_PREFIX)))
        message = query.message
        await edit_html(context, message.chat.id, message.message_id, text, reply_markup=markup)
        await answer_query(query)  # after: a failure is then told in the button's pop-up

    async def _sources_page(self, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
        infos = await asyncio.to_thread(self.newsbot.sources)
        text, page, pages = format_sources_page(infos, page)
        return text, _page_buttons(
            ("‹ Prev", f"{SOURCES_PREFIX}{page - 1}") if page > 1 else None,
            ("Next ›", f"{SOURCES_PREFIX}{page + 1}") if page < pages else None,
        )

    async def quotes(self, update: Update, context: Context) -> None:
        """/quotes NAME [about TOPIC]: what someone said; /quotes alone: who is quoted most."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        request = " ".join(context.args or [])
        if len(request) > MAX_REQUEST_CHARS:
            await reply_html(
                message,
                f"That is too long for a name ({len(request):,} characters; at most "
                f"{MAX_REQUEST_CHARS}). {USAGE}",
            )
            return
        if not names_someone(request):
            speakers = await asyncio.to_thread(self.newsbot.speakers, SPEAKERS_SHOWN)
            await reply_html(message, format_speakers(speakers))
            return
        page = await self._quotes_page(request, start=0)
        key = None
        if page.has_older:
            key = await asyncio.to_thread(self.store.save_quote_request, chat.id, request)
        await reply_html(message, page.text, reply_markup=_quote_buttons(key, page))

    async def quotes_page(self, update: Update, context: Context) -> None:
        """The ‹ Newer / Older › buttons under a /quotes reply: the request is asked again
        (the index may have grown since) and the message shows the next page."""
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        _, key, direction, at = query.data.split(":")
        chat_id = query.message.chat.id
        request = await asyncio.to_thread(self.store.load_quote_request, key, chat_id)
        if request is None:
            await answer_query(query, QUOTES_EXPIRED)
            return
        if direction == "o":
            page = await self._quotes_page(request, start=int(at))
        else:
            page = await self._quotes_page(request, end=int(at))
        await edit_html(
            context,
            chat_id,
            query.message.message_id,
            page.text,
            reply_markup=_quote_buttons(key, page),
        )
        await answer_query(query)

    async def _quotes_page(
        self, request: str, *, start: int = 0, end: int | None = None
    ) -> QuotesPage:
        search = await asyncio.to_thread(self.newsbot.find_quotes, request, limit=_QUOTES_READ)
        return format_quotes_page(search.speaker, search.topic, search.quotes, start=start, end=end)


def _quote_buttons(key: str | None, page: QuotesPage) -> InlineKeyboardMarkup | None:
    if key is None:
        return None
    return _page_buttons(
        ("‹ Newer", f"{QUOTES_PREFIX}{key}:n:{page.start}") if page.has_newer else None,
        ("Older ›", f"{QUOTES_PREFIX}{key}:o:{page.end}") if page.has_older else None,
    )


def _page_buttons(*buttons: tuple[str, str] | None) -> InlineKeyboardMarkup | None:
    """One row of page buttons, (label, callback data) each; None where there is none."""
    row = [InlineKeyboardButton(label, callback_data=data) for label, data in filter(None, buttons)]
    return InlineKeyboardMarkup([row]) if row else None
