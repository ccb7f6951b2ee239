"""Paths, constants and small helpers shared by the benchmark's parent and its children."""

from __future__ import annotations

import logging
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.evaluation.datasets import DEFAULT_DATASETS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
BBC = Path(os.environ.get("NEWSBOT_BENCH_BBC", DEFAULT_DATASETS / "bbc"))
RESULTS = ROOT / "benchmarks" / "results"
DEV_QUESTIONS = ROOT / "tests" / "data" / "dev_questions.jsonl"
SEEDS = ROOT / "seeds"
ENCODE_BATCH = 64
# Questions in the slower diagnostic passes (uncached answers, the instrumented breakdown).
SAMPLE = 60


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean/max of durations given in seconds, in milliseconds."""
    return {
        "p50_ms": round(pct(values, 50) * 1000, 2),
        "p95_ms": round(pct(values, 95) * 1000, 2),
        "mean_ms": round(float(np.mean(values)) * 1000, 2) if values else float("nan"),
        "max_ms": round(max(values) * 1000, 2) if values else float("nan"),
        "n": len(values),
    }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


class Stopwatch:
    """Accumulates the time spent in wrapped callables, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    """Temporarily replace an attribute (benchmark instrumentation only)."""
    original = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, original)


def load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")
