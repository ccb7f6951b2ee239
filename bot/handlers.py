"""Telegram update handlers: access, questions and their passages button, and errors; the
commands and uploads have their own modules and are registered from here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import AccessPolicy
from bot.chat_action import keep_typing
from bot.commands import CommandHandlers
from bot.formatting import format_answer, has_passages
from bot.messages import (
    NO_PREVIEW,
    Context,
    answer_query,
    edit_html,
    is_for_bot,
    reply_html,
    reply_to,
    strip_mention,
    thread_id,
)
from bot.questions import question_problem
from bot.store import BotStore
from bot.throttle import QuestionThrottle
from bot.upload_handler import UploadHandler
from retrieval import Answer, InputError, Newsbot, asks_for_help, follow_up

logger = logging.getLogger(__name__)

REFUSED = "Sorry, this bot is private and you are not on its list of allowed users."
SORRY = "Sorry, something went wrong while handling that. Please try again in a moment."
NOT_UNDERSTOOD = "I only understand questions sent as text; see /help for what I can do."
EXPIRED = "That answer is no longer available; please ask the question again."
PASSAGES_BUTTON = "Show quoted passages"

_PASSAGES_PREFIX = "q:"


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
        self.k = k
        self.commands = CommandHandlers(newsbot, store)
        self.uploads = UploadHandler(
            newsbot, policy, uploads_dir=uploads_dir, max_upload_bytes=max_upload_bytes
        )

    def register(self, app: Application) -> None:
        """Order matters within a group: the first matching handler takes the update, so the
        catch-alls (unknown commands and messages, forged buttons) come last."""
        new = filters.UpdateType.MESSAGE  # edited messages are not new questions
        text = new & filters.TEXT & ~filters.COMMAND
        app.add_handler(TypeHandler(Update, self.gate), group=-1)
        self.commands.register(app)
        app.add_handler(CommandHandler("ask", self.ask_command, filters=new))
        self.uploads.register(app)
        app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, self.private_text))
        app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, self.group_text))
        app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE, self.not_understood))
        app.add_handler(CallbackQueryHandler(self.show_passages, pattern=r"^q:"))
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
            await answer_query(update.callback_query, REFUSED)
        elif update.message is not None and chat is not None:
            message = update.message
            if chat.type == ChatType.PRIVATE or is_for_bot(message, context):
                await message.reply_text(REFUSED)
        raise ApplicationHandlerStop

    # ------------------------------------------------------------------ questions

    async def private_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await self._answer(message, context, message.text)

    async def group_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or not message.text or not is_for_bot(message, context):
            return  # group chatter not meant for us
        question = strip_mention(message, context)
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
        if asks_for_help(question):
            await self.commands.reply_help(message, context)
            return
        # Refused before anything else: no typing indicator, no throttle slot, no retrieval.
        problem = question_problem(question, raw=message.text)
        if problem is not None:
            await reply_to(message, problem)
            return
        chat_id = message.chat_id
        user = message.from_user
        wait = self.throttle.acquire(user.id) if user is not None else 0.0
        if wait > 0:
            await reply_to(
                message,
                f"You're asking faster than I can keep up (at most "
                f"{self.throttle.max_questions} questions every "
                f"{self.throttle.window_s:g} seconds). "
                f"Please try again in {math.ceil(wait)} s.",
            )
            return
        # Channel posts and the like have no sender: they share one conversation.
        asker = user.id if user is not None else 0
        topic = thread_id(message)
        previous = await asyncio.to_thread(self.store.last_question, chat_id, asker, topic)
        try:
            async with keep_typing(context.bot, chat_id, message_thread_id=topic):
                answer = await asyncio.to_thread(
                    self.newsbot.ask, question, k=self.k, previous=previous
                )
        except InputError as err:
            await reply_to(message, str(err))
            return
        await asyncio.to_thread(
            self.store.remember_question, chat_id, asker, follow_up(question, previous), topic
        )
        await self._send_answer(message, answer)

    async def _send_answer(self, message: Message, answer: Answer) -> None:
        """Each answer replies to its question: a user who sent several before the first
        answer came back sees which answer is which."""
        if not answer.found:
            await reply_to(message, answer.text)
            return
        parts = format_answer(answer, with_passages=False)
        key = (
            await asyncio.to_thread(self.store.save_answer, message.chat_id, answer)
            if has_passages(answer)
            else None
        )
        sent_ids: list[int] = []
        complete = True
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                sent = await reply_html(
                    message,
                    part,
                    reply_markup=_passages_markup(key) if key and last else None,
                    do_quote=index == 0,
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
            await asyncio.to_thread(self.store.set_message_ids, key, sent_ids if complete else [])

    async def show_passages(self, update: Update, context: Context) -> None:
        """The button: re-render the answer with its quoted passages, in the same messages."""
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        key = query.data.removeprefix(_PASSAGES_PREFIX)
        stored = await asyncio.to_thread(self.store.load_answer, key)
        chat_id = query.message.chat.id
        if stored is None or stored.chat_id != chat_id:
            await answer_query(query, EXPIRED)
            return
        parts = format_answer(stored.answer, with_passages=True)
        message_ids = list(stored.message_ids) or [query.message.message_id]
        topic = thread_id(query.message) if isinstance(query.message, Message) else None
        added: list[int] = []
        for index, part in enumerate(parts):
            if index < len(message_ids):
                await edit_html(context, chat_id, message_ids[index], part)
            else:
                sent = await context.bot.send_message(
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    message_thread_id=topic,
                )
                added.append(sent.message_id)
        if added:
            # A second press (a double tap, another member) then edits these, not sends more.
            await asyncio.to_thread(self.store.set_message_ids, key, message_ids + added)
        for surplus in message_ids[len(parts) :]:
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(chat_id, surplus)
        await answer_query(query)  # after: a failure is then told in the button's pop-up

    async def unknown_button(self, update: Update, context: Context) -> None:
        """Buttons this bot never made (forged callback data): stop the client's spinner."""
        if update.callback_query is not None:
            await answer_query(update.callback_query, EXPIRED)

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
        if not isinstance(update, Update):
            return
        if update.callback_query is not None and await answer_query(
            update.callback_query, SORRY, alert=True
        ):
            return  # a pressed button: the pop-up tells it, without a message in the chat
        if update.effective_chat is not None:
            message = update.effective_message
            topic = thread_id(message) if isinstance(message, Message) else None
            try:
                await context.bot.send_message(
                    update.effective_chat.id, SORRY, message_thread_id=topic
                )
            except TelegramError as err:
                logger.warning("could not tell the user about the error: %s", err)


def _passages_markup(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(PASSAGES_BUTTON, callback_data=f"{_PASSAGES_PREFIX}{key}")]]
    )
