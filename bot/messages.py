"""Reading and replying to Telegram messages: mentions, topics, replies and button answers."""

from __future__ import annotations

import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TimedOut
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def reply_to(message: Message, text: str) -> None:
    """A plain-text reply that quotes the question (still sent if that was deleted)."""
    await message.reply_text(text, do_quote=True, allow_sending_without_reply=True)


async def reply_html(
    message: Message,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    do_quote: bool | None = None,
) -> Message:
    """An HTML reply without link previews (answers and lists link to many articles)."""
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=reply_markup,
        do_quote=do_quote,
        allow_sending_without_reply=True,
    )


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner. Cosmetic, so it never fails the update: Telegram refuses a
    second answer (after a retried, timed-out first one) and presses older than 15 minutes."""
    try:
        await query.answer(text)
    except (BadRequest, TimedOut) as err:
        logger.debug("could not answer the button press: %s", err)


async def edit_html(
    context: Context,
    chat_id: int,
    message_id: int,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace a message's text (and its buttons: none unless given)."""
    try:
        await context.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=reply_markup,
        )
    except BadRequest as err:
        if "not modified" not in str(err).lower():  # a double tap: it shows that already
            raise


def is_for_bot(message: Message, context: Context) -> bool:
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


def strip_mention(message: Message, context: Context) -> str:
    text = message.text or ""
    username = (context.bot.username or "").lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            text = text.replace(value, " ")
    return " ".join(text.split())


def thread_id(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None
