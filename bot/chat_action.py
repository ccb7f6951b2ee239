"""Keep the "typing…" indicator alive while a slow job runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

# Telegram clears a chat action after 5 seconds or when the bot sends a message.
_REFRESH_S = 4.0


@contextlib.asynccontextmanager
async def keep_typing(
    bot: Bot, chat_id: int, *, message_thread_id: int | None = None
) -> AsyncIterator[None]:
    async def refresh() -> None:
        while True:
            try:
                await bot.send_chat_action(
                    chat_id, ChatAction.TYPING, message_thread_id=message_thread_id
                )
            except TelegramError as err:  # cosmetic; never fail the answer over it
                logger.debug("typing indicator failed: %s", err)
            await asyncio.sleep(_REFRESH_S)

    task = asyncio.create_task(refresh())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
