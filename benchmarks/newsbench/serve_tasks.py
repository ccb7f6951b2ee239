"""Child task for warm serving: `search` and `ask` latency, and where `ask` spends its time."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.newsbench.common import SAMPLE, Stopwatch, patched, summary_ms
from benchmarks.newsbench.loading import load_embedder, open_bot

logger = logging.getLogger(__name__)


def task_serve(spec: dict[str, Any]) -> dict[str, Any]:
    """Warm latency of `search` and `ask` over the question set, then one instrumented pass
    that says where `ask` spends its time."""
    embedder = load_embedder(spec["backend"])
    bot = open_bot(spec["data_dir"], embedder)
    questions: list[str] = spec["questions"]
    start = time.perf_counter()
    bot.search(questions[0], k=5)
    first_search = time.perf_counter() - start
    for q in questions[:20]:
        bot.ask(q)
    search_t: list[float] = []
    ask_t: list[float] = []
    found = 0
    for q in questions:
        start = time.perf_counter()
        bot.search(q, k=5)
        search_t.append(time.perf_counter() - start)
    for q in questions:
        start = time.perf_counter()
        answer = bot.ask(q)
        ask_t.append(time.perf_counter() - start)
        found += answer.found
    # Cold answer cache: the answerer caches sentence vectors, so a new process's first answers
    # (and any question about sentences not seen before) pay for embedding them.
    bot.answerer._cache.clear()
    cold_ask: list[float] = []
    for q in questions[:SAMPLE]:
        bot.answerer._cache.clear()
        start = time.perf_counter()
        bot.ask(q)
        cold_ask.append(time.perf_counter() - start)
    breakdown = _ask_breakdown(bot, questions[:SAMPLE])
    bot.close()
    return {
        "backend": spec["backend"],
        "first_search_s": round(first_search, 3),
        "search": summary_ms(search_t),
        "ask": summary_ms(ask_t),
        "ask_uncached_sentences": summary_ms(cold_ask),
        "found_rate": round(found / len(questions), 3),
        "ask_breakdown_ms": breakdown,
    }


def _ask_breakdown(bot: Any, questions: Sequence[str]) -> dict[str, float]:
    """Mean milliseconds per `ask` in each part, with the answerer's sentence cache kept (the
    warm case) and cleared before each question (the worst case)."""
    result: dict[str, float] = {}
    for label, clear in (("warm", False), ("uncached", True)):
        part = _timed_asks(bot, questions, clear=clear)
        result.update({f"{label}.{k}": v for k, v in sorted(part.items())})
    return result


def _timed_asks(bot: Any, questions: Sequence[str], *, clear: bool) -> dict[str, float]:
    snapshot = bot.catalog.current()
    watch = Stopwatch()
    encode = bot.embedder.encode
    answer = watch.wrap("answer_total", bot.answerer.answer)
    answering = [False]
    sentences = [0]

    def route(texts: Sequence[str], *, show_progress: bool = False) -> Any:
        # The answerer embeds candidate sentences; everything else is the question.
        name = "embed_sentences" if answering[0] else "embed_query"
        if answering[0]:
            sentences[0] += len(texts)
        return watch.wrap(name, encode)(texts, show_progress=show_progress)

    def answer_flagged(*args: Any, **kwargs: Any) -> Any:
        answering[0] = True
        try:
            return answer(*args, **kwargs)
        finally:
            answering[0] = False

    with (
        patched(bot.embedder, "encode", route),
        patched(bot.store, "query", watch.wrap("chroma_query", bot.store.query)),
        patched(snapshot.lexical, "top", watch.wrap("bm25", snapshot.lexical.top)),
        patched(bot.searcher, "search", watch.wrap("hybrid_search", bot.searcher.search)),
        patched(bot.answerer, "answer", answer_flagged),
    ):
        start = time.perf_counter()
        for q in questions:
            if clear:
                bot.answerer._cache.clear()
            bot.ask(q)
        total = time.perf_counter() - start
    n = len(questions)
    part = {k: round(v / n * 1000, 2) for k, v in watch.seconds.items()}
    part["ask_total"] = round(total / n * 1000, 2)
    part["sentences_embedded_per_ask"] = round(sentences[0] / n, 1)
    part["answer_other"] = round(part.get("answer_total", 0) - part.get("embed_sentences", 0), 2)
    part["ask_other"] = round(
        part["ask_total"]
        - part.get("answer_total", 0)
        - part.get("embed_query", 0)
        - part.get("chroma_query", 0)
        - part.get("bm25", 0),
        2,
    )
    return part
