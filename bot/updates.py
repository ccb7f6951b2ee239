"""Runs updates concurrently across chats, one at a time within a chat, and each only once."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

# Tasks waiting for their chat's turn hold a slot of PTB's own semaphore while they wait, so
# that semaphore is sized for the backlog; `max_concurrent_updates` limits the real work.
_MAX_PENDING = 4096
_REMEMBERED_UPDATES = 10_000


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent updates, made safe for a chat bot.

    Updates of one chat run in the order Telegram sent them (a follow-up question must see
    the answer to the one before; answers must come in question order); updates of different
    chats still run side by side, at most `max_concurrent_updates` at a time. Telegram
    delivers updates at least once, so an update whose id was already seen (a redelivery
    after a restart or a glitch) is dropped instead of being answered twice.
    """

    def __init__(self, max_concurrent_updates: int, *, remember: int = _REMEMBERED_UPDATES):
        super().__init__(max(_MAX_PENDING, max_concurrent_updates))
        self._workers_limit = max_concurrent_updates
        self._remember = remember
        self._workers: asyncio.Semaphore | None = None
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (lock, users)
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def initialize(self) -> None:
        # Created here, inside the running loop, so one processor never spans two loops.
        self._workers = asyncio.Semaphore(self._workers_limit)
        self._chats.clear()

    async def shutdown(self) -> None:
        self._chats.clear()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update) and self._is_duplicate(update.update_id):
            logger.info("update %s arrived again; it was handled already", update.update_id)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: nothing to undo, no "never awaited" warning
            return
        if self._workers is None:
            await self.initialize()
        assert self._workers is not None
        key = _chat_key(update)
        if key is None:
            async with self._workers:
                await coroutine
            return
        lock = self._enter(key)
        try:
            # asyncio.Lock wakes waiters first come, first served: the fetch order.
            async with lock, self._workers:
                await coroutine
        finally:
            self._leave(key)

    def _is_duplicate(self, update_id: int) -> bool:
        if update_id in self._seen:
            return True
        self._seen[update_id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return False

    def _enter(self, key: int) -> asyncio.Lock:
        lock, users = self._chats.get(key) or (asyncio.Lock(), 0)
        self._chats[key] = (lock, users + 1)
        return lock

    def _leave(self, key: int) -> None:
        lock, users = self._chats[key]
        if users <= 1:
            del self._chats[key]  # keeps memory to the chats with work in progress
        else:
            self._chats[key] = (lock, users - 1)


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:  # inline queries and the like: per user
        return update.effective_user.id
    return None
