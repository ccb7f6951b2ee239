"""Child task for quality: the seeds dev set and BBC Hits@1, so speed is not bought with it."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.newsbench.common import DEV_QUESTIONS, SEEDS
from benchmarks.newsbench.loading import load_embedder, open_bot

logger = logging.getLogger(__name__)


def task_quality(spec: dict[str, Any]) -> dict[str, Any]:
    """The dev set (seeds) through the evaluation harness, and Hits@1 of the source article
    for BBC questions on a prebuilt index, with one backend."""
    from retrieval.evaluation.goldset import load_questions
    from retrieval.evaluation.harness import evaluate

    embedder = load_embedder(spec["backend"])
    folder = Path(tempfile.mkdtemp(prefix="quality-"))
    bot = open_bot(folder, embedder)
    bot.ingest([SEEDS])
    metrics = evaluate(bot, load_questions(DEV_QUESTIONS), k=10).metrics.to_dict()
    bot.close()
    shutil.rmtree(folder, ignore_errors=True)
    bbc: dict[str, Any] = {}
    if spec.get("bbc_dir"):
        bot = open_bot(spec["bbc_dir"], embedder)
        infos = bot.sources()
        hits = dense_hits = 0
        for info in infos:
            article = bot.article(info.article_id)
            assert article is not None
            # The body's second sentence, as a question: the headline is indexed verbatim.
            sentences = re.split(r"(?<=[.!?])\s+", article.text)
            question = (sentences[1] if len(sentences) > 1 else sentences[0])[:300]
            top = bot.search(question, k=1)
            hits += bool(top) and top[0].chunk.article_id == info.article_id
            vector = embedder.encode([question])[0]
            dense = bot.store.query(vector, 1)
            dense_hits += bool(dense) and dense[0][0].startswith(f"{info.article_id}:")
        bot.close()
        bbc = {
            "questions": len(infos),
            "hybrid_hits_at_1": round(hits / len(infos), 4),
            "dense_hits_at_1": round(dense_hits / len(infos), 4),
        }
    return {"backend": spec["backend"], "dev_seeds": metrics, "bbc_subset": bbc}
