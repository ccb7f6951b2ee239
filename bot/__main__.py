"""`python -m bot` / `newsbot telegram`: run the Telegram bot with long polling."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.app import build_application
from bot.redaction import install_secret_redaction
from bot.settings import BotSettings
from retrieval import Newsbot, NewsbotError, SettingsError, load_settings, settings_problems

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot telegram",
        description=(
            "Run the Telegram bot (long polling). Configure it with TELEGRAM_BOT_TOKEN and the "
            "other settings in .env; see README.md."
        ),
    )
    parser.add_argument(
        "--data-dir", type=Path, help="index and bot state folder (default: NEWSBOT_DATA_DIR)"
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not index the seed articles when the index is empty",
    )
    return parser


def run_telegram(argv: list[str] | None = None) -> int:
    """Entry point shared by `python -m bot` and `newsbot telegram`; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        bot_settings = BotSettings()
        redactor = install_secret_redaction(bot_settings.token())
        overrides = {"data_dir": args.data_dir} if args.data_dir else {}
        settings = load_settings(**overrides)
    except ValidationError as err:
        print(f"newsbot: {SettingsError(settings_problems(err, BotSettings))}", file=sys.stderr)
        return SettingsError.exit_code
    except NewsbotError as err:
        print(f"newsbot: {err}", file=sys.stderr)
        return err.exit_code
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        newsbot = Newsbot.open(settings)
    except NewsbotError as err:
        print(f"newsbot: {err}", file=sys.stderr)
        return err.exit_code
    try:
        if not args.no_seed:
            _seed_if_empty(newsbot, settings.seeds_dir)
        application = build_application(newsbot, bot_settings, data_dir=settings.data_dir)
        print("newsbot: the Telegram bot is running; press Ctrl+C to stop.", file=sys.stderr)
        application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    except NewsbotError as err:
        print(f"newsbot: {err}", file=sys.stderr)
        return err.exit_code
    except InvalidToken:
        print(
            "newsbot: Telegram rejected TELEGRAM_BOT_TOKEN; copy the token again from @BotFather",
            file=sys.stderr,
        )
        return 2
    except TelegramError as err:
        print(
            f"newsbot: cannot talk to Telegram ({redactor.redact(str(err))}); check the network "
            "connection and TELEGRAM_BASE_URL",
            file=sys.stderr,
        )
        return 1
    finally:
        newsbot.close()
    return 0


def _seed_if_empty(newsbot: Newsbot, seeds_dir: Path) -> None:
    if newsbot.stats().articles:
        return
    if not seeds_dir.exists():
        logger.warning("the index is empty and %s does not exist; nothing to answer", seeds_dir)
        return
    report = newsbot.ingest([seeds_dir])
    print(f"newsbot: indexed the seed articles ({report.summary()})", file=sys.stderr)


def main() -> None:
    raise SystemExit(run_telegram())


if __name__ == "__main__":
    main()
