"""Shared fixtures: one real embedding model per session, real Chroma in temp folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session")
def seeded_bot(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsbot]:
    """One index of seeds/ shared by read-only tests."""
    folder = tmp_path_factory.mktemp("seeded")
    bot = Newsbot.open(Settings(data_dir=folder), embedder=embedder)
    bot.ingest([SEEDS])
    yield bot
    bot.close()
