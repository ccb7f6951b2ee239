"""The same question over the same index scores the same in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.answering import Answerer
from retrieval.embedding import ChromaEmbeddingFunction, Embedder
from retrieval.questions import parse
from retrieval.service import Newsbot
from retrieval.store import DEFAULT_SYNC_THRESHOLD, ChunkStore, make_client
from tests.conftest import DATA, ROOT, SEEDS

DEV_QUESTIONS = DATA / "dev_questions.jsonl"

# Long questions: the more words a score sums, the likelier the order shows in its last bits.
QUESTIONS = [
    "What did Putin say about South Korea supplying weapons to Ukraine after the treaty?",
    "Which country did Putin visit to sign a mutual defence treaty with its leader Kim?",
    "How long will the new strategic partnership treaty between Russia and North Korea last?",
    "What did the UN Security Council members discuss about the war and the sanctions?",
    "Who was arrested by police officers after the protest outside parliament on Monday?",
]

# Prints, for each question, the exact scores of the best sentences and the support.
_SCORES = """
import json, sys
from pathlib import Path
from retrieval.questions import parse
from retrieval.service import Newsbot
from retrieval.settings import Settings

bot = Newsbot.open(Settings(data_dir=Path(sys.argv[1])))
out = []
for text in json.loads(sys.argv[2]):
    question = parse(text)
    scored, support = bot.answerer.score(question, bot.search(text))
    out.append([repr(support), [repr(score) for score, _ in scored]])
bot.close()
print(json.dumps(out))
"""


def _scores_with_hash_seed(data_dir: Path, seed: str) -> list[object]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _SCORES, str(data_dir), json.dumps(QUESTIONS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: list[object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_scores_do_not_depend_on_the_process_hash_seed(newsbot_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Sets of words iterate in a per-process order; summed in that order, the scores
    # differed in their last bits between runs, and near-ties flipped.
    data_dir = tmp_path / "data"
    bot: Newsbot = newsbot_factory(data_dir)
    bot.ingest([SEEDS])
    bot.close()
    first = _scores_with_hash_seed(data_dir, "1")
    assert len(first) == len(QUESTIONS)
    for seed in "2345":
        assert _scores_with_hash_seed(data_dir, seed) == first


def test_an_answer_does_not_depend_on_the_questions_asked_before(seeded_bot) -> None:  # type: ignore[no-untyped-def]
    # Sentence vectors are cached per answerer; while the int8 encoder batched texts, a
    # sentence first encoded beside other questions' sentences got a slightly other vector.
    questions = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text().splitlines()]

    def ask_all(order: list[str]) -> dict[str, tuple[str, float]]:
        answerer = Answerer(
            seeded_bot.embedder, seeded_bot.manifest.articles, seeded_bot.catalog.rarity
        )
        out = {}
        for text in order:
            question = parse(text)
            passages = seeded_bot.search(text)
            _, support = answerer.score(question, passages)
            out[text] = (answerer.answer(question, passages).text, support)
        return out

    forward = ask_all(questions)
    assert ask_all(questions[::-1]) == forward


# Opens the store in a fresh process and prints the nearest ids of fixed query vectors.
_NEAREST = """
import json, sys
from pathlib import Path
import numpy as np
from retrieval.embedding import Embedder
from retrieval.store import ChunkStore, make_client

store = ChunkStore(make_client(path=Path(sys.argv[1])), Embedder(), "probe")
queries = np.random.default_rng(1).normal(size=(60, 384)).astype(np.float32)
queries /= np.linalg.norm(queries, axis=1, keepdims=True)
print(json.dumps([[cid for cid, _ in store.query(q, 30)] for q in queries]))
"""


def _fill(collection: Any) -> None:
    """1,295 random unit vectors, written 100 at a time as an ingest writes them."""
    vectors = np.random.default_rng(0).normal(size=(1_295, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"c{i}" for i in range(len(vectors))]
    for start in range(0, len(ids), 100):
        collection.add(ids=ids[start : start + 100], embeddings=vectors[start : start + 100])


def _nearest(path: Path) -> list[list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _NEAREST, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: list[list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _same_in_three_processes(path: Path) -> None:
    first = _nearest(path)
    assert len(first) == 60 and all(len(ids) == 30 for ids in first)
    assert _nearest(path) == first
    assert _nearest(path) == first


def test_a_reopened_store_returns_the_same_neighbours_in_every_process(
    embedder: Embedder, tmp_path: Path
) -> None:
    # Chroma re-inserts the writes it has not yet saved into its graph, in parallel, at every
    # open; with its default of saving every 1,000 writes, each process built another graph
    # (here from the last 295 of 1,295).
    store = ChunkStore(make_client(path=tmp_path), embedder, "probe")
    _fill(store.collection)
    del store
    _same_in_three_processes(tmp_path)


def test_a_store_made_with_chromas_save_interval_is_moved_to_ours(
    embedder: Embedder, tmp_path: Path
) -> None:
    # An index built before the store chose its interval: the first open switches it over.
    client = make_client(path=tmp_path)
    made = client.create_collection(
        "probe",
        metadata={"hnsw:space": "cosine"},
        embedding_function=ChromaEmbeddingFunction(embedder),
    )
    _fill(made)
    assert client.get_collection("probe").configuration["hnsw"]["sync_threshold"] == 1000

    store = ChunkStore(client, embedder, "probe")
    assert store.collection.configuration["hnsw"]["sync_threshold"] == DEFAULT_SYNC_THRESHOLD
    assert store.collection.count() == 1_295
    del store, client
    _same_in_three_processes(tmp_path)
