"""The bot as a `newsbot.frontends` plugin: `newsbot start` runs it when a token is set."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.__main__ import run_telegram
from bot.settings import BotSettings

logger = logging.getLogger(__name__)


def is_configured() -> bool:
    """True when TELEGRAM_BOT_TOKEN is set (environment or .env)."""
    try:
        return BotSettings().telegram_bot_token is not None
    except ValidationError:
        return True  # configured, but wrongly: `run` explains what to fix


def run(argv: list[str]) -> int:
    return run_telegram(argv)
