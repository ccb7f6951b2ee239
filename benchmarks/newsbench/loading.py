"""Child-side loading: the embedder (timing its load) and a Newsbot over a data folder."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MODEL_LOAD_S: dict[str, float] = {}  # per child process: seconds to load (or export) a model


def load_embedder(backend: str) -> Any:
    from retrieval.embedding import Embedder

    start = time.perf_counter()
    embedder = Embedder(backend=backend)
    embedder.warm_up()
    MODEL_LOAD_S[backend] = time.perf_counter() - start
    return embedder


def open_bot(data_dir: Path | str, embedder: Any) -> Any:
    from retrieval.service import Newsbot
    from retrieval.settings import Settings

    return Newsbot.open(Settings(data_dir=Path(data_dir)), embedder=embedder)
