"""Telegram front-end settings, read from the environment or `.env` (see `.env.example`)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retrieval import InputError

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # 5 MiB
# The hosted Bot API lets bots download files of up to 20 MB (getFile).
BOT_API_FILE_LIMIT = 20_000_000

IdSet = Annotated[frozenset[int], NoDecode]


class MissingTokenError(InputError):
    def __init__(self) -> None:
        super().__init__(
            "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and put its token "
            "in .env as TELEGRAM_BOT_TOKEN=..."
        )


class BotSettings(BaseSettings):
    """Who may use the bot, how much they may send, and where the Bot API lives."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "telegram_bot_token")
    )
    allowed_user_ids: IdSet = Field(
        default=frozenset(),
        validation_alias=AliasChoices("ALLOWED_USER_IDS", "allowed_user_ids"),
        description="comma-separated Telegram user ids; empty lets everyone in",
    )
    allowed_chat_ids: IdSet = Field(
        default=frozenset(),
        validation_alias=AliasChoices("ALLOWED_CHAT_IDS", "allowed_chat_ids"),
        description="comma-separated chat ids (groups are negative); empty allows every chat",
    )
    admin_user_ids: IdSet = Field(
        default=frozenset(),
        validation_alias=AliasChoices("ADMIN_USER_IDS", "admin_user_ids"),
        description="comma-separated user ids that may add articles by sending files",
    )
    max_upload_bytes: int = Field(
        default=DEFAULT_MAX_UPLOAD_BYTES,
        gt=0,
        le=BOT_API_FILE_LIMIT,
        validation_alias=AliasChoices("MAX_UPLOAD_BYTES", "max_upload_bytes"),
    )
    rate_limit_questions: int = Field(
        default=10,
        ge=0,
        validation_alias=AliasChoices("RATE_LIMIT_QUESTIONS", "rate_limit_questions"),
        description="questions one user may ask per window; 0 turns the limit off",
    )
    rate_limit_window_s: float = Field(
        default=60.0,
        gt=0,
        validation_alias=AliasChoices("RATE_LIMIT_WINDOW_S", "rate_limit_window_s"),
    )
    telegram_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BASE_URL", "telegram_base_url"),
        description="Bot API endpoint, e.g. http://localhost:8081/bot for a self-hosted server",
    )
    telegram_base_file_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BASE_FILE_URL", "telegram_base_file_url"),
        description="file download endpoint; derived from TELEGRAM_BASE_URL when unset",
    )

    @field_validator("allowed_user_ids", "allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: Any) -> Any:
        if isinstance(value, int):
            return frozenset({value})
        if not isinstance(value, str):
            return value
        return frozenset(int(item) for item in re.split(r"[\s,;]+", value) if item)

    @field_validator(
        "telegram_bot_token", "telegram_base_url", "telegram_base_file_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def token(self) -> str:
        """The bot token, or `MissingTokenError` with the BotFather hint."""
        if self.telegram_bot_token is None:
            raise MissingTokenError()
        return self.telegram_bot_token.get_secret_value().strip()

    def file_url(self) -> str | None:
        """Where files are downloaded from when a custom Bot API server is configured."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        if self.telegram_base_url:
            return derive_file_url(self.telegram_base_url)
        return None


def derive_file_url(base_url: str) -> str:
    """`http://host/bot` -> `http://host/file/bot`, the Bot API's file endpoint layout."""
    head, sep, _ = base_url.rstrip("/").rpartition("/bot")
    if not sep:
        return base_url.rstrip("/") + "/file/bot"
    return f"{head}/file/bot"
