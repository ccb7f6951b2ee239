"""The benchmark's ingest stopwatch still reaches every stage it times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.newsbench.common import Stopwatch
from benchmarks.newsbench.ingest_tasks import _instrument_ingest
from retrieval.service import Newsbot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_every_ingest_stage_is_timed(newsbot_factory: Callable[..., Newsbot]) -> None:
    # The stopwatch patches functions by where they are looked up; when code moves (writing
    # left service.py for writer.py), a stale patch fails `make bench`, not a test, unless
    # this runs.
    bot = newsbot_factory()
    watch = Stopwatch()
    contexts = _instrument_ingest(bot, watch)
    for ctx in contexts:
        ctx.__enter__()
    try:
        report = bot.ingest([SEEDS])
    finally:
        for ctx in reversed(contexts):
            ctx.__exit__(None, None, None)
    assert report.chunks_written > 0
    stages = {"read_files", "chunk", "token_count", "encode", "sqlite", "chroma_upsert"}
    assert stages <= {name for name, calls in watch.calls.items() if calls > 0}
