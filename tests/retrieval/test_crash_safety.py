"""One writer at a time across processes, and an index that survives SIGKILL at any moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from retrieval.errors import StoreLockedError
from retrieval.locking import WriterLock
from retrieval.models import Article
from tests.retrieval.ingest_worker import CrashSoak, Worker, make_article, token

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """One model-loaded worker process for the whole module; each job forks a child."""
    started = Worker(tmp_path_factory.mktemp("worker") / "worker.log")
    yield started
    started.close()


def _articles(numbers: range) -> list[Article]:
    return [Article(**make_article(i)) for i in numbers]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "NEWSBOT_"))}
    return env | extra


# One writer at a time ------------------------------------------------------------------------


def test_lock_records_an_interrupted_writer(tmp_path: Path) -> None:
    path = tmp_path / "writer.lock"
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from retrieval.locking import WriterLock\n"
        "WriterLock(Path(sys.argv[1])).acquire()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    died = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, timeout=60)
    assert died.returncode == -signal.SIGKILL
    assert WriterLock.holder(path) is not None, "a dead writer's pid stays in the file"
    with WriterLock(path) as lock:
        assert lock.interrupted, "the kernel freed the lock; the pid says the write was cut"
        assert WriterLock.holder(path) == os.getpid()
    assert WriterLock.holder(path) is None
    with WriterLock(path) as lock:
        assert not lock.interrupted
    with pytest.raises(RuntimeError), WriterLock(path):
        raise RuntimeError("a write that fails half-way")
    with WriterLock(path) as lock:
        assert lock.interrupted, "a failed write is checked like a crashed one"


def test_second_writer_is_refused_at_once_while_readers_keep_working(
    newsbot_factory: Any, worker: Worker, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    bot = newsbot_factory(data_dir=data_dir)
    articles = _articles(range(130))  # more than two batches of 64
    first_batch_done = threading.Event()
    may_continue = threading.Event()
    result: dict[str, Any] = {}

    def hold_after_first_batch(batch: Sequence[Article]) -> None:
        if not first_batch_done.is_set():
            first_batch_done.set()
            assert may_continue.wait(timeout=240), "the test never let the writer go on"

    def write() -> None:
        try:
            result["report"] = bot.add_articles(articles, on_batch_done=hold_after_first_batch)
        except BaseException as err:  # pragma: no cover - reported below
            result["error"] = err

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert first_batch_done.wait(timeout=240), result.get("error")
        upload = tmp_path / "more.txt"
        upload.write_text("Harbour news\n\nThe harbour reopened on Friday after repairs.\n")

        began = time.monotonic()
        cli = subprocess.run(
            [sys.executable, "-m", "retrieval.cli", "ingest", str(upload)],
            cwd=tmp_path,
            env=_clean_env(NEWSBOT_DATA_DIR=str(data_dir)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 1, cli.stderr
        assert cli.stderr.startswith("newsbot: error: another newsbot process is writing"), (
            cli.stderr
        )
        assert "wait for it to finish" in cli.stderr and len(cli.stderr.splitlines()) == 1
        assert time.monotonic() - began < 60, "refused at once, not after waiting"

        # Another Newsbot in this process is refused too (its own flock on the file).
        with pytest.raises(StoreLockedError):
            newsbot_factory(data_dir=data_dir).add_articles(_articles(range(900, 901)))

        # Readers, in this process and another, see the finished batch meanwhile.
        written, unwritten = articles[0], articles[-1]
        answer = bot.ask(f"What did the {token(0)} harbour board discuss?")
        assert answer.found
        assert written.article_id in {c.article_id for c in answer.citations}
        messages, status = worker.run(
            {"op": "search", "data_dir": str(data_dir), "query": token(0)}
        )
        assert status == 0, worker.tail()
        assert written.article_id in messages[-1]["search"]["hits"]
        messages, status = worker.run(
            {"op": "search", "data_dir": str(data_dir), "query": token(129)}
        )
        assert status == 0, worker.tail()
        assert unwritten.article_id not in messages[-1]["search"]["hits"], "not written yet"
    finally:
        may_continue.set()
        writer.join(timeout=240)
    assert "error" not in result, result.get("error")
    assert result["report"].new == 130
    answer = bot.ask(f"What did the {token(129)} harbour board discuss?")
    assert answer.found
    assert unwritten.article_id in {c.article_id for c in answer.citations}


# Crash safety ----------------------------------------------------------------------------


def test_sigkilled_ingest_never_loses_or_duplicates(worker: Worker, tmp_path: Path) -> None:
    """20 SIGKILLs at random moments of ingests of changing articles; after each, the next
    process finds every article it had reported done, complete and searchable, and the store
    and manifest agree; a last run of the same ingest completes the corpus exactly."""
    soak = CrashSoak(worker, tmp_path, seed=20240601)
    stats = soak.run(kills=20)
    print(stats.summary())
    assert stats.kills == 20


@pytest.mark.parametrize(
    ("damaged_file", "damage"),
    [("data_level0.bin", "ones"), ("header.bin", "zeros")],
)
def test_damaged_index_files_are_rebuilt_from_the_manifest(
    worker: Worker, tmp_path: Path, damaged_file: str, damage: str
) -> None:
    """What a kill in the middle of Chroma saving its HNSW files can leave behind: a store
    that crashes (SIGSEGV) or errors when loaded. The next writer notices and rebuilds it."""
    where = {"data_dir": str(tmp_path / "data"), "sync_threshold": 10}
    corpus = tmp_path / "corpus.json"
    records = [make_article(i) for i in range(1, 31)]
    corpus.write_text(json.dumps(records), encoding="utf-8")
    _, status = worker.run({"op": "ingest", "file": str(corpus)} | where)
    assert status == 0, worker.tail()

    (segment,) = [p for p in (tmp_path / "data" / "chroma").iterdir() if p.is_dir()]
    target = segment / damaged_file
    size = target.stat().st_size
    assert size > 0
    if damage == "zeros":
        target.write_bytes(bytes(size))
    else:
        with target.open("r+b") as file:
            file.write(b"\xff" * min(size, 4096))  # neighbour ids far out of range
    # As if the writer had died mid-write: its pid is still in the lock file.
    (tmp_path / "data" / "writer.lock").write_text("999999999")

    sample = [r["article_id"] for r in records[:3]]
    messages, status = worker.run({"op": "verify", "sample": sample} | where)
    assert status == 0, worker.tail()
    result = messages[-1]["verify"]
    assert result["problem"], "the probe saw the damage"
    assert result["repair"]["rebuilt"]
    assert sorted(result["repair"]["missing"]) == sorted(r["article_id"] for r in records)
    after = result["after"]
    assert all(state == "done" for _, state in after["states"].values())
    assert sorted(after["store_ids"]) == sorted(c for cs in after["chunks"].values() for c in cs)
    for article_id, search in result["searches"].items():
        assert search["vectors"] == search["matching"] == search["chunks"] > 0, search
        assert article_id in search["hits"]
    assert not segment.exists(), "the damaged files were removed"


def test_opening_after_a_crash_repairs_before_reading(worker: Worker, tmp_path: Path) -> None:
    """A reader that opens the index first after a writer died (the bot restarting after a
    kill) must not load damaged files: `Newsbot.open` repairs and finishes the write."""
    where = {"data_dir": str(tmp_path / "data"), "sync_threshold": 10}
    corpus = tmp_path / "corpus.json"
    corpus.write_text(json.dumps([make_article(i) for i in range(1, 31)]), encoding="utf-8")
    _, status = worker.run({"op": "ingest", "file": str(corpus)} | where)
    assert status == 0, worker.tail()
    (segment,) = [p for p in (tmp_path / "data" / "chroma").iterdir() if p.is_dir()]
    with (segment / "data_level0.bin").open("r+b") as file:
        file.write(b"\xff" * 4096)
    (tmp_path / "data" / "writer.lock").write_text("999999999")

    # Through `Newsbot.open` (the collection keeps the sync threshold it was created with).
    reader = {"op": "search", "query": token(7), "data_dir": where["data_dir"]}
    messages, status = worker.run(reader)
    assert status == 0, worker.tail()
    assert "a00007" in messages[-1]["search"]["hits"]
    assert WriterLock.holder(tmp_path / "data" / "writer.lock") is None
