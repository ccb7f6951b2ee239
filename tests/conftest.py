"""Shared fixtures: one real embedding model per session, real Chroma in temp folders."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from retrieval.embedding import Embedder
from retrieval.service import Newsbot
from retrieval.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    model = Embedder()
    model.warm_up()
    return model


@pytest.fixture
def newsbot_factory(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Newsbot]]:
    """Builds fresh Newsbots over empty temp data folders, sharing the loaded model."""
    opened: list[Newsbot] = []

    def make(data_dir: Path | None = None, **overrides: object) -> Newsbot:
        folder = data_dir or tmp_path_factory.mktemp("data")
        bot = Newsbot.open(Settings(data_dir=folder, **overrides), embedder=embedder)
        opened.append(bot)
        return bot

    yield make
    for bot in opened:
        bot.close()


@pytest.fixture
def records_bot(
    newsbot_factory: Callable[..., Newsbot], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[Sequence[Mapping[str, str]]], Newsbot]:
    """Builds a fresh Newsbot over `records` (title, source, published_at, body …), written
    as one JSONL file and ingested."""

    def make(records: Sequence[Mapping[str, str]]) -> Newsbot:
        path = tmp_path_factory.mktemp("records") / "articles.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
        bot = newsbot_factory()
        bot.ingest([path])
        return bot

    return make


@pytest.fixture(scope="session")
def seeded_bot(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsbot]:
    """One index of seeds/ shared by read-only tests."""
    folder = tmp_path_factory.mktemp("seeded")
    bot = Newsbot.open(Settings(data_dir=folder), embedder=embedder)
    bot.ingest([SEEDS])
    yield bot
    bot.close()
