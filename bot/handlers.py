"""Telegram update handlers: questions, commands, buttons, uploads, access and errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
from pathlib import Path

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import AccessPolicy
from bot.chat_action import keep_typing
from bot.formatting import (
    MESSAGE_LIMIT,
    format_answer,
    format_help,
    format_sources_page,
    format_stats,
    has_passages,
    split_html,
    utf16_len,
)
from bot.questions import question_problem
from bot.store import BotStore
from bot.throttle import QuestionThrottle
from bot.uploads import (
    UploadRejected,
    check_upload,
    display_name,
    save_upload,
    too_big_message,
)
from retrieval.errors import InputError
from retrieval.models import Answer, IngestReport
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

REFUSED = "Sorry, this bot is private and you are not on its list of allowed users."
SORRY = "Sorry, something went wrong while handling that. Please try again in a moment."
ADMINS_ONLY = (
    "Sorry, only the bot's admins can add articles. "
    "You can still ask me questions about the indexed ones."
)
NOT_UNDERSTOOD = "I only understand questions sent as text; see /help for what I can do."
EXPIRED = "That answer is no longer available; please ask the question again."
PASSAGES_BUTTON = "Show quoted passages"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

_PASSAGES_PREFIX = "q:"
_SOURCES_PREFIX = "src:"
_MAX_TITLES_SHOWN = 10
_PAGE_RE = re.compile(r"[0-9]{1,6}")


class BotHandlers:
    """The bot's behaviour; collaborators come in, nothing reads settings here."""

    def __init__(
        self,
        newsbot: Newsbot,
        store: BotStore,
        policy: AccessPolicy,
        throttle: QuestionThrottle,
        *,
        uploads_dir: Path,
        max_upload_bytes: int,
        k: int = 5,
    ) -> None:
        self.newsbot = newsbot
        self.store = store
        self.policy = policy
        self.throttle = throttle
        self.uploads_dir = uploads_dir
        self.max_upload_bytes = max_upload_bytes
        self.k = k

    def register(self, app: Application) -> None:
        new = filters.UpdateType.MESSAGE  # edited messages are not new questions
        text = new & filters.TEXT & ~filters.COMMAND
        app.add_handler(TypeHandler(Update, self.gate), group=-1)
        app.add_handler(CommandHandler(["start", "help"], self.help, filters=new))
        app.add_handler(CommandHandler("ask", self.ask_command, filters=new))
        app.add_handler(CommandHandler("sources", self.sources_command, filters=new))
        app.add_handler(CommandHandler("stats", self.stats_command, filters=new))
        app.add_handler(MessageHandler(new & filters.Document.ALL, self.document))
        app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, self.private_text))
        app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, self.group_text))
        app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE, self.not_understood))
        app.add_handler(CallbackQueryHandler(self.show_passages, pattern=r"^q:"))
        app.add_handler(CallbackQueryHandler(self.sources_page, pattern=r"^src:[0-9]{1,6}$"))
        app.add_handler(CallbackQueryHandler(self.unknown_button))
        app.add_error_handler(self.on_error)

    # ------------------------------------------------------------------ access

    async def gate(self, update: Update, context: Context) -> None:
        """Group -1: refused users get one polite line and nothing else happens for them."""
        user, chat = update.effective_user, update.effective_chat
        if user is None:  # channel posts and the like: nobody to answer
            raise ApplicationHandlerStop
        chat_id = chat.id if chat else None
        if self.policy.allows(user.id, chat_id):
            return
        logger.info("refused update from user %s in chat %s", user.id, chat_id)
        if update.callback_query is not None:
            await _answer_query(update.callback_query, REFUSED)
        elif update.message is not None and chat is not None:
            message = update.message
            if chat.type == ChatType.PRIVATE or _is_for_bot(message, context):
                await message.reply_text(REFUSED)
        raise ApplicationHandlerStop

    # ------------------------------------------------------------------ questions

    async def private_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await self._answer(message, context, message.text)

    async def group_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or not message.text or not _is_for_bot(message, context):
            return  # group chatter not meant for us
        question = _strip_mention(message, context)
        if not question:
            await message.reply_text(
                f"Ask me something after the mention, e.g. @{context.bot.username} "
                "What did Putin say about South Korea?"
            )
            return
        await self._answer(message, context, question)

    async def not_understood(self, update: Update, context: Context) -> None:
        """Private messages nothing else handled: unknown commands, photos, stickers…"""
        message = update.effective_message
        if message is not None:
            await message.reply_text(NOT_UNDERSTOOD)

    async def ask_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        question = " ".join(context.args or [])
        if not question.strip():
            await message.reply_text("Usage: /ask your question, e.g. /ask What did Kim say?")
            return
        await self._answer(message, context, question)

    async def _answer(self, message: Message, context: Context, question: str) -> None:
        question = question.strip()
        # Refused before anything else: no typing indicator, no throttle slot, no retrieval.
        problem = question_problem(question, raw=message.text)
        if problem is not None:
            await _reply_to(message, problem)
            return
        chat_id = message.chat_id
        user = message.from_user
        wait = self.throttle.acquire(user.id) if user is not None else 0.0
        if wait > 0:
            await _reply_to(
                message,
                f"You're asking faster than I can keep up (at most "
                f"{self.throttle.max_questions} questions every "
                f"{self.throttle.window_s:g} seconds). "
                f"Please try again in {math.ceil(wait)} s.",
            )
            return
        previous = self.store.last_question(chat_id)
        try:
            async with keep_typing(context.bot, chat_id, message_thread_id=_thread_id(message)):
                answer = await asyncio.to_thread(
                    self.newsbot.ask, question, k=self.k, previous=previous
                )
        except InputError as err:
            await _reply_to(message, str(err))
            return
        self.store.remember_question(chat_id, question)
        await self._send_answer(message, answer)

    async def _send_answer(self, message: Message, answer: Answer) -> None:
        """Each answer replies to its question: a user who sent several before the first
        answer came back sees which answer is which."""
        if not answer.found:
            await _reply_to(message, answer.text)
            return
        parts = format_answer(answer, with_passages=False)
        key = self.store.save_answer(message.chat_id, answer) if has_passages(answer) else None
        sent_ids: list[int] = []
        complete = True
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                sent = await message.reply_text(
                    part,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    reply_markup=_passages_markup(key) if key and last else None,
                    do_quote=index == 0,
                    allow_sending_without_reply=True,
                )
            except TimedOut:
                # Most likely delivered (see bot.network); sending it again could show it
                # twice. The button then edits the message it sits on, as best it can.
                logger.warning("part %d of an answer timed out; not sending it again", index + 1)
                complete = False
                continue
            sent_ids.append(sent.message_id)
        if key:
            # Without every part's id the button edits just the message it sits on.
            self.store.set_message_ids(key, sent_ids if complete else [])

    async def show_passages(self, update: Update, context: Context) -> None:
        """The button: re-render the answer with its quoted passages, in the same messages."""
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        stored = self.store.load_answer(query.data.removeprefix(_PASSAGES_PREFIX))
        chat_id = query.message.chat.id
        if stored is None or stored.chat_id != chat_id:
            await _answer_query(query, EXPIRED)
            return
        await _answer_query(query)
        parts = format_answer(stored.answer, with_passages=True)
        message_ids = list(stored.message_ids) or [query.message.message_id]
        for index, part in enumerate(parts):
            if index < len(message_ids):
                await _edit(context, chat_id, message_ids[index], part)
            else:
                await context.bot.send_message(
                    chat_id, part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
                )
        for surplus in message_ids[len(parts) :]:
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(chat_id, surplus)

    # ------------------------------------------------------------------ commands

    async def help(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        stats = await asyncio.to_thread(self.newsbot.stats)
        text = format_help(
            stats, private=chat.type == ChatType.PRIVATE, bot_username=context.bot.username
        )
        await message.reply_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)

    async def stats_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        stats = await asyncio.to_thread(self.newsbot.stats)
        await message.reply_text(format_stats(stats), parse_mode=ParseMode.HTML)

    async def sources_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        args = context.args or []
        page = int(args[0]) if args and _PAGE_RE.fullmatch(args[0]) else 1
        text, markup = await self._sources_page(page)
        await message.reply_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
        )

    async def sources_page(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        await _answer_query(query)
        text, markup = await self._sources_page(int(query.data.removeprefix(_SOURCES_PREFIX)))
        try:
            await query.edit_message_text(
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
        except BadRequest as err:
            if "not modified" not in str(err).lower():
                raise

    async def unknown_button(self, update: Update, context: Context) -> None:
        """Buttons this bot never made (forged callback data): stop the client's spinner."""
        if update.callback_query is not None:
            await _answer_query(update.callback_query, EXPIRED)

    async def _sources_page(self, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
        infos = await asyncio.to_thread(self.newsbot.sources)
        text, page, pages = format_sources_page(infos, page)
        if utf16_len(text) > MESSAGE_LIMIT:
            text = split_html(text)[0]
        buttons = []
        if page > 1:
            buttons.append(InlineKeyboardButton("‹ Prev", callback_data=f"src:{page - 1}"))
        if page < pages:
            buttons.append(InlineKeyboardButton("Next ›", callback_data=f"src:{page + 1}"))
        return text, InlineKeyboardMarkup([buttons]) if buttons else None

    # ------------------------------------------------------------------ uploads

    async def document(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.document is None:
            return
        if not self.policy.is_admin(user.id):
            await message.reply_text(ADMINS_ONLY)
            return
        document = message.document
        shown_name = display_name(document.file_name)
        try:
            check_upload(document.file_name, document.file_size, self.max_upload_bytes)
        except UploadRejected as err:
            await message.reply_text(str(err))
            return
        async with keep_typing(context.bot, message.chat_id, message_thread_id=_thread_id(message)):
            telegram_file = await context.bot.get_file(document.file_id)
            if telegram_file.file_size and telegram_file.file_size > self.max_upload_bytes:
                await message.reply_text(
                    too_big_message(telegram_file.file_size, self.max_upload_bytes)
                )
                return
            try:
                content = bytes(await telegram_file.download_as_bytearray())
            except NetworkError as err:  # downloads bypass the retrying rate limiter
                logger.warning("downloading %s failed: %s", shown_name, err)
                await message.reply_text(
                    f"I could not download {shown_name} from Telegram (a network problem); "
                    "please send it again."
                )
                return
            if len(content) > self.max_upload_bytes:
                await message.reply_text(too_big_message(len(content), self.max_upload_bytes))
                return
            path = await asyncio.to_thread(
                save_upload, self.uploads_dir, document.file_name, content
            )
            logger.info("admin %s uploaded %s (%d bytes)", user.id, path.name, len(content))
            try:
                report = await asyncio.to_thread(self.newsbot.ingest, [path])
            except InputError as err:
                path.unlink(missing_ok=True)
                await message.reply_text(str(err).replace(str(path), shown_name))
                return
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        if report.new + report.changed == 0:
            path.unlink(missing_ok=True)  # a duplicate: the index already has these articles
        await message.reply_text(_upload_reply(shown_name, report))

    # ------------------------------------------------------------------ errors

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure; tell the user something went wrong, never what."""
        error = context.error
        if update is None and isinstance(error, NetworkError):
            logger.warning("Telegram network problem (retrying): %s", error)
            return
        if isinstance(error, TimedOut):
            # The reply that timed out has most likely arrived; an apology after it would
            # only confuse, and one sent into a slow network would probably time out too.
            logger.warning("a reply timed out while handling an update: %s", error)
            return
        logger.error("error while handling an update", exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, SORRY)
            except TelegramError as err:
                logger.warning("could not tell the user about the error: %s", err)


async def _reply_to(message: Message, text: str) -> None:
    """A plain-text reply that quotes the question (still sent if that was deleted)."""
    await message.reply_text(text, do_quote=True, allow_sending_without_reply=True)


async def _answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner. Cosmetic, so it never fails the update: Telegram refuses a
    second answer (after a retried, timed-out first one) and presses older than 15 minutes."""
    try:
        await query.answer(text)
    except (BadRequest, TimedOut) as err:
        logger.debug("could not answer the button press: %s", err)


def _passages_markup(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(PASSAGES_BUTTON, callback_data=f"{_PASSAGES_PREFIX}{key}")]]
    )


async def _edit(context: Context, chat_id: int, message_id: int, text: str) -> None:
    try:
        await context.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=None,
        )
    except BadRequest as err:
        if "not modified" not in str(err).lower():  # a double tap: already showing passages
            raise


def _is_for_bot(message: Message, context: Context) -> bool:
    """A group message is for the bot if it is a command, mentions it, or replies to it."""
    if message.text and message.text.startswith("/"):
        return True
    if _mentions_bot(message, context):
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)


def _mentions_bot(message: Message, context: Context) -> bool:
    username = (context.bot.username or "").lower()
    for entity, value in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            return True
        if entity.user is not None and entity.user.id == context.bot.id:
            return True
    return False


def _strip_mention(message: Message, context: Context) -> str:
    text = message.text or ""
    username = (context.bot.username or "").lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            text = text.replace(value, " ")
    return " ".join(text.split())


def _thread_id(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def _upload_reply(file_name: str, report: IngestReport) -> str:
    if report.new + report.changed == 0:
        return f"{file_name}: nothing new; those articles are already indexed ({report.summary()})."
    lines = [f"Added {file_name}: {report.summary()}"]
    for info in report.articles[:_MAX_TITLES_SHOWN]:
        details = ", ".join(part for part in (info.source, info.published) if part)
        lines.append(f"• {info.title}" + (f" ({details})" if details else ""))
    if len(report.articles) > _MAX_TITLES_SHOWN:
        lines.append(f"… and {len(report.articles) - _MAX_TITLES_SHOWN} more")
    return "\n".join(lines)[: MESSAGE_LIMIT // 2]  # plain text; halving covers UTF-16 pairs
