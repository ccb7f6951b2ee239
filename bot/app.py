"""Builds the python-telegram-bot Application: handlers, limits, storage and safe logging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder

from bot.access import AccessPolicy
from bot.handlers import BotHandlers
from bot.network import RetryingRateLimiter
from bot.redaction import install_secret_redaction
from bot.settings import BotSettings, derive_file_url
from bot.store import BotStore
from bot.throttle import QuestionThrottle
from bot.updates import ChatOrderedUpdateProcessor
from retrieval import Newsbot

logger = logging.getLogger(__name__)

COMMANDS = (
    BotCommand("ask", "Ask a question about the indexed news"),
    BotCommand("quotes", "What someone said: /quotes Putin about Korea"),
    BotCommand("sources", "List the indexed articles"),
    BotCommand("stats", "How many articles, outlets, latest date"),
    BotCommand("help", "What I know and how to ask"),
)

# (the Application's generic parameters depend on the builder calls; callers need none)
BotApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    newsbot: Newsbot,
    settings: BotSettings,
    *,
    data_dir: Path,
    base_url: str | None = None,
    base_file_url: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    network_retries: int = 5,
    concurrent_updates: int = 64,
    request_timeout_s: float | None = None,
) -> BotApplication:
    """A ready-to-run Application; run it with `run_polling()` or drive it from a test.

    `data_dir` holds the bot's own state: `bot.sqlite3` (answers behind the passages button,
    each chat's last question) and `uploads/`. `base_url`/`base_file_url` override the Bot API
    endpoints (tests, self-hosted servers); by default they come from `settings`.
    `concurrent_updates` chats are served at once, each chat's updates in order.
    `request_timeout_s` replaces PTB's connect/read/write timeouts (5 s) for every API call.
    """
    token = settings.token()
    install_secret_redaction(token)  # before the builder: Bot() logs its URL, token included

    data_dir.mkdir(parents=True, exist_ok=True)
    store = BotStore(data_dir / "bot.sqlite3")
    handlers = BotHandlers(
        newsbot,
        store,
        AccessPolicy(
            allowed_users=settings.allowed_user_ids,
            allowed_chats=settings.allowed_chat_ids,
            admins=settings.admin_user_ids,
        ),
        QuestionThrottle(settings.rate_limit_questions, settings.rate_limit_window_s, clock=clock),
        uploads_dir=data_dir / "uploads",
        max_upload_bytes=settings.max_upload_bytes,
    )

    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(RetryingRateLimiter(max_retries=3, network_retries=network_retries))
        # Answers run in worker threads; concurrent updates let other chats proceed meanwhile.
        .concurrent_updates(ChatOrderedUpdateProcessor(concurrent_updates))
        .post_init(_post_init)
    )
    if request_timeout_s is not None:
        timeout = request_timeout_s
        builder = (
            builder.connect_timeout(timeout)
            .read_timeout(timeout)
            .write_timeout(timeout)
            .get_updates_connect_timeout(timeout)
            .get_updates_read_timeout(timeout)
            .get_updates_write_timeout(timeout)
        )
    if base_url:
        builder = builder.base_url(base_url).base_file_url(
            base_file_url or derive_file_url(base_url)
        )
    elif settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url).base_file_url(
            settings.file_url() or derive_file_url(settings.telegram_base_url)
        )
    application = builder.build()
    handlers.register(application)
    return application


async def _post_init(application: BotApplication) -> None:
    """Publish the command menu (run by `run_polling`; tests may call it directly)."""
    await application.bot.set_my_commands(list(COMMANDS))
