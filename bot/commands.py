"""The commands that read the index: /help, /stats, /sources (with its page buttons), /quotes."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.formatting import (
    MESSAGE_LIMIT,
    format_help,
    format_sources_page,
    format_stats,
    split_html,
    utf16_len,
)
from bot.messages import Context, answer_query, edit_html, reply_html
from bot.quote_replies import (
    MAX_REQUEST_CHARS,
    USAGE,
    format_quotes,
    format_speakers,
)
from retrieval.quote_requests import names_someone
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)

SOURCES_PREFIX = "src:"
SPEAKERS_SHOWN = 15
QUOTES_SHOWN = 10
# Statements read per request, so a reply can say how many there are beyond those shown.
_QUOTES_COUNTED = 1000
_PAGE_RE = re.compile(r"[0-9]{1,6}")


class CommandHandlers:
    """Commands that only read the index; each reply is one message (or a few, if long)."""

    def __init__(self, newsbot: Newsbot) -> None:
        self.newsbot = newsbot

    def register(self, app: Application) -> None:
        new = filters.UpdateType.MESSAGE  # edited messages are not new commands
        app.add_handler(CommandHandler(["start", "help"], self.help, filters=new))
        app.add_handler(CommandHandler("sources", self.sources, filters=new))
        app.add_handler(CommandHandler("stats", self.stats, filters=new))
        app.add_handler(CommandHandler("quotes", self.quotes, filters=new))
        app.add_handler(CallbackQueryHandler(self.sources_page, pattern=r"^src:[0-9]{1,6}$"))

    async def help(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        stats = await asyncio.to_thread(self.newsbot.stats)
        text = format_help(
            stats, private=chat.type == ChatType.PRIVATE, bot_username=context.bot.username
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
        await answer_query(query)
        text, markup = await self._sources_page(int(query.data.removeprefix(SOURCES_PREFIX)))
        message = query.message
        await edit_html(context, message.chat.id, message.message_id, text, reply_markup=markup)

    async def _sources_page(self, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
        infos = await asyncio.to_thread(self.newsbot.sources)
        text, page, pages = format_sources_page(infos, page)
        if utf16_len(text) > MESSAGE_LIMIT:
            text = split_html(text)[0]
        buttons = []
        if page > 1:
            buttons.append(
                InlineKeyboardButton("‹ Prev", callback_data=f"{SOURCES_PREFIX}{page - 1}")
            )
        if page < pages:
            buttons.append(
                InlineKeyboardButton("Next ›", callback_data=f"{SOURCES_PREFIX}{page + 1}")
            )
        return text, InlineKeyboardMarkup([buttons]) if buttons else None

    async def quotes(self, update: Update, context: Context) -> None:
        """/quotes NAME [about TOPIC]: what someone said; /quotes alone: who is quoted most."""
        message = update.effective_message
        if message is None:
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
        search = await asyncio.to_thread(self.newsbot.find_quotes, request, limit=_QUOTES_COUNTED)
        found = search.quotes
        for part in format_quotes(
            search.speaker, search.topic, found[:QUOTES_SHOWN], total=len(found)
        ):
            await reply_html(message, part)
