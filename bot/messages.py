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


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> bool:
    """Stop the button's spinner, with `text` as a notice (`alert`: a pop-up to dismiss);
    whether Telegram took it. Cosmetic, so it never fails the update: Telegram refuses a
    second answer (after a retried, timed-out first one) and presses older than 15 minutes."""
    try:
        await query.answer(text, show_alert=alert)
    except (BadRequest, TimedOut) as err:
        logger.debug("could not answer the button press: %s", err)
        return False
    return True


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


# The commands the bot answers; in a group, another bot's commands are not for us.
KNOWN_COMMANDS = frozenset({"start", "help", "ask", "quotes", "sources", "stats"})


def is_for_bot(message: Message, context: Context) -> bool:
    """A group message is for the bot if it is one of its commands (unaddressed or
    addressed to it), mentions it, or replies to it; a document is read by its caption."""
    command = addressed_command(message, context)
    if command is not None:
        return command in KNOWN_COMMANDS
    if _mentions_bot(message, context):
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == context.bot.id)


def addressed_command(message: Message, context: Context) -> str | None:
    """The command a message opens with ("ask" for "/ask@this_bot …"), None when it opens
    with none or with one addressed to another bot."""
    for entity, value in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset != 0:
            continue
        name, _, target = value.removeprefix("/").partition("@")
        if target and target.lower() != (context.bot.username or "").lower():
            return None
        return name.lower()
    return None


def _mentions_bot(message: Message, context: Context) -> bool:
    username = (context.bot.username or "").lower()
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    entities = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    for entity, value in entities.items():
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
