"""A forking ingest worker and the harness that SIGKILLs it, for the crash tests and soak.

The worker loads the model once, then runs each job (ingest, verify) in a forked child that
the harness may have killed with SIGKILL at a chosen moment; children start in milliseconds
instead of paying the model load again.

    python -m tests.retrieval.ingest_worker

reads one JSON job per line on stdin ({"op": "ingest" | "verify" | "search", "data_dir": ...,
"sync_threshold": N or null, and to kill the child either "kill_after": seconds or
"die_in": "upsert" | "delete" with "die_after": seconds into that store call}) and answers
JSON lines on stdout: {"probe": pid} (a verify job's store check), {"child": pid}, the
child's own lines ({"done": [[id, hash], ...]} per durable batch, {"report": ...},
{"verify": ...}, {"search": ...}), then {"status": exit code, -9 if killed}.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]

# Letters only, so that every article has a word no other article has (BM25 finds it).
_LETTERS = "bcdfghjklmnpqrstvwxz"


def token(i: int) -> str:
    word = "qu"
    while True:
        word += _LETTERS[i % len(_LETTERS)]
        i //= len(_LETTERS)
        if not i:
            return word + "ix"


def make_article(i: int, edition: int = 0) -> dict[str, Any]:
    """A small article; every 25th is long enough for several chunks. `edition` > 0 changes
    its text (a new version of the same article)."""
    word = token(i)
    sentences = [
        f"The {word} harbour board met on Monday to discuss the dredging plan.",
        f"Officials said the {word} project would cost {i + 3} million euros.",
    ]
    if edition:
        sentences.append(f"In edition {edition} the board revised the {word} estimate again.")
    if i % 25 == 0:
        sentences += [
            f"Residents of the {word} district asked about noise, traffic and fishing rights "
            f"during meeting number {n}, and the chair promised answers within weeks."
            for n in range(14)
        ]
    return {
        "article_id": f"a{i:05d}",
        "title": f"Harbour board {word} report",
        "text": " ".join(sentences),
        "origin": "crash-test",
        "source": "Test Gazette",
        "published": f"2024-0{1 + i % 9}-1{i % 10}",
    }


def content_hash(record: dict[str, Any]) -> str:
    from retrieval.models import Article

    return Article(**record).content_hash


# The worker (child process side) ---------------------------------------------------------


def _emit(message: dict[str, Any]) -> None:
    # One write per line: lines from the worker and its children never interleave.
    os.write(1, (json.dumps(message) + "\n").encode())


def _open_bot(job: dict[str, Any], embedder: Any) -> Any:
    """The verify job builds its Newsbot from parts, so that it sees the store exactly as the
    killed writer left it (`Newsbot.open` may already repair it); the others use `open`."""
    from retrieval.manifest import Manifest
    from retrieval.service import Newsbot
    from retrieval.settings import Settings
    from retrieval.store import ChunkStore, make_client

    data_dir = Path(job["data_dir"])
    sync_threshold = job.get("sync_threshold")
    settings = Settings(data_dir=data_dir, chroma_host=None)
    if sync_threshold is None and job["op"] != "verify":
        return Newsbot.open(settings, embedder=embedder)
    store = ChunkStore(
        make_client(path=settings.chroma_dir),
        embedder,
        settings.collection,
        sync_threshold=sync_threshold,
    )
    return Newsbot(
        manifest=Manifest(settings.manifest_path),
        store=store,
        embedder=embedder,
        lock_path=data_dir / "writer.lock",
    )


def _repair(bot: Any, probe: Callable[[Path, str], str | None] | None = None) -> Any:
    """What a writer does first: take the lock and check the store if the last writer died
    (`IndexWriter.add_articles` itself does this once writer.py calls `repair_store`)."""
    from retrieval.locking import WriterLock
    from retrieval.store_repair import probe_embedded, repair_store

    with WriterLock(bot.writer.lock_path) as lock:
        return repair_store(
            bot.store,
            bot.manifest,
            suspect=lock.interrupted,
            probe=probe or probe_embedded,
        )


def _ingest_job(bot: Any, job: dict[str, Any]) -> None:
    from retrieval.models import Article

    records = json.loads(Path(job["file"]).read_text(encoding="utf-8"))
    articles = [Article(**r) for r in records]

    def done(batch: Sequence[Article]) -> None:
        _emit({"done": [[a.article_id, a.content_hash] for a in batch]})

    repair = _repair(bot)
    if job.get("die_in"):
        _die_during(bot.store, job["die_in"], job["die_after"])
    report = bot.add_articles(articles, on_batch_done=done)
    _emit({"report": asdict(report) | {"repair": asdict(repair)}})


def _die_during(store: Any, method: str, after: float) -> None:
    """Fault injection: SIGKILL this process `after` seconds into the first call of the
    store's `method` ("upsert" or "delete"), i.e. while Chroma is being written."""
    original = getattr(store, method)

    def call_then_die(*args: Any, **kwargs: Any) -> Any:
        timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGKILL))
        timer.start()
        return original(*args, **kwargs)

    setattr(store, method, call_then_die)


def _verify_job(bot: Any, job: dict[str, Any]) -> None:
    """The store as the next process finds it: probe, then (if it loads) what survived, then
    repair and finish the interrupted write, then the full state and sample searches."""
    probed, problem = job["probe"]["ran"], job["probe"]["problem"]
    before = None
    if problem is None:
        before = {
            "states": {a: list(v) for a, v in bot.manifest.hashes().items()},
            "chunks": _chunks_by_article(bot),
            "store_ids": bot.store.all_ids(),
        }
    repair = _repair(bot, probe=lambda _path, _name: problem)
    finish = bot.add_articles([])
    after = {
        "states": {a: list(v) for a, v in bot.manifest.hashes().items()},
        "chunks": _chunks_by_article(bot),
        "store_ids": bot.store.all_ids(),
        "stale": bot.manifest.stale_ids(),
        "sources": sorted(i.article_id for i in bot.sources()),
    }
    _emit(
        {
            "verify": {
                "probed": probed,
                "problem": problem,
                "before": before,
                "repair": asdict(repair),
                "finished": finish.chunks_written,
                "after": after,
                "searches": _searches(bot, job.get("sample", [])),
            }
        }
    )


def _search_job(bot: Any, job: dict[str, Any]) -> None:
    """A reader: which articles a search finds, and whether an answer was found."""
    hits = [p.chunk.article_id for p in bot.search(job["query"], k=3)]
    _emit({"search": {"hits": hits, "found": bot.ask(job["query"]).found}})


def _chunks_by_article(bot: Any) -> dict[str, list[str]]:
    chunks: dict[str, list[str]] = {}
    for cid, (aid, _state) in bot.manifest.chunk_states().items():
        chunks.setdefault(aid, []).append(cid)
    return chunks


def _searches(bot: Any, sample: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per sampled article: is every chunk's stored vector the model's vector of that chunk,
    does a search for the article's unique word return it, and does each chunk's own vector
    find it in Chroma (not always: HNSW can leave a node unreachable after deletes and
    updates of near-identical texts, with or without crashes, so that is only counted)."""
    found: dict[str, dict[str, Any]] = {}
    chunks = {c.chunk_id: c for c in bot.manifest.done_chunks()}
    for article_id in sample:
        chunk_ids = bot.manifest.chunk_ids(article_id)
        stored = bot.store.vectors(chunk_ids)
        fresh = bot.embedder.encode([chunks[cid].embed_text for cid in chunk_ids])
        matching = sum(
            1
            for cid, vector in zip(chunk_ids, fresh, strict=True)
            if cid in stored and float(stored[cid] @ vector) > 0.99
        )
        self_hits = sum(
            1
            for cid in stored
            if [c for c, _ in bot.store.query(stored[cid], 1, where={"article_id": article_id})]
            == [cid]
        )
        article = bot.article(article_id)
        word = next(w for w in article.title.split() if w.startswith("qu"))
        found[article_id] = {
            "chunks": len(chunk_ids),
            "vectors": len(stored),
            "matching": matching,
            "self_hits": self_hits,
            "hits": [p.chunk.article_id for p in bot.search(word, k=3)],
        }
    return found


def serve() -> None:
    import torch

    # Forked children run the model too; with one thread the parent has no OpenMP pool that
    # a child could inherit in a locked state (a known fork + OpenMP hang).
    torch.set_num_threads(1)
    # Imported once here, so forked children start in milliseconds; no client is opened
    # before forking (Chroma's runtime threads would not survive into the children).
    import retrieval.service  # noqa: F401
    from retrieval.embedding import Embedder

    embedder = Embedder()
    embedder.encode(["warm up the model before forking"])
    _emit({"ready": os.getpid()})
    for line in sys.stdin:
        job = json.loads(line)
        if job["op"] == "exit":
            return
        if job["op"] == "verify":
            job["probe"] = _forked_probe(job)
        pid = _fork(partial(_run_job, job, embedder))
        _emit({"child": pid})
        _emit({"status": _wait(pid, job.get("kill_after"))})


def _run_job(job: dict[str, Any], embedder: Any) -> None:
    jobs = {"ingest": _ingest_job, "verify": _verify_job, "search": _search_job}
    jobs[job["op"]](_open_bot(job, embedder), job)


def _fork(body: Callable[[], None]) -> int:
    """Run `body` in a forked child that exits with 0, or 1 after printing its traceback;
    returns the child's pid (in the parent)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            body()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    return pid


def _forked_probe(job: dict[str, Any]) -> dict[str, Any]:
    """`probe_embedded`'s check, if the last writer was interrupted, in a child forked from
    this process instead of a new interpreter (the same isolation, a second faster)."""
    from retrieval.locking import WriterLock
    from retrieval.settings import Settings
    from retrieval.store_repair import _PROBE

    settings = Settings(data_dir=Path(job["data_dir"]), chroma_host=None)
    if WriterLock.holder(settings.data_dir / "writer.lock") is None:
        return {"ran": False, "problem": None}

    def probe() -> None:
        sys.argv = ["probe", str(settings.chroma_dir), settings.collection]
        exec(_PROBE, {"__name__": "probe"})

    pid = _fork(probe)
    _emit({"probe": pid})
    status = _wait(pid, None)
    return {"ran": True, "problem": None if status == 0 else f"the probe exited with {status}"}


def _wait(pid: int, kill_after: float | None) -> int:
    """Wait for the child, SIGKILLing it after `kill_after` seconds if it still runs. Only
    this process reaps it, so the pid cannot have been reused when it is killed."""
    deadline = None if kill_after is None else time.monotonic() + kill_after
    while True:
        done, status = os.waitpid(pid, 0 if deadline is None else os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if deadline is not None and time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            deadline = None
        else:
            time.sleep(0.005)


# The harness (test side) -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ChromaServer:
    """A real `chroma run` server on 127.0.0.1, started and stopped by the tests."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.log = path.parent / f"{path.name}-server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        args = [str(chroma), "run", "--path", str(self.path), "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*args, "--host", self.host], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma server exited: {self.log.read_text()[-2000:]}")
            try:
                url = f"http://{self.host}:{self.port}/api/v2/heartbeat"
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"no heartbeat from the chroma server in {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case a test paused it
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


class Worker:
    """Drives one worker process; `run(job)` returns the child's messages and exit status."""

    def __init__(self, log: Path) -> None:
        args = [sys.executable, "-m", "tests.retrieval.ingest_worker"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "NEWSBOT_"))}
        self.log = log
        self._log = log.open("w")
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._children: list[int] = []  # forked by the worker for the job under way
        threading.Thread(target=self._pump, daemon=True).start()
        self._expect("ready", timeout=180)

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"worker silent for {timeout} s; see {self.log}") from None
        if line is None:
            raise RuntimeError(f"worker exited; see {self.log}: {self.tail()}")
        message: dict[str, Any] = json.loads(line)
        return message

    def _expect(self, key: str, timeout: float) -> dict[str, Any]:
        message = self._next(timeout)
        if key not in message:
            raise RuntimeError(f"expected {key!r} from the worker, got {message}")
        return message

    def run(self, job: dict[str, Any], timeout: float = 300) -> tuple[list[dict[str, Any]], int]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        messages: list[dict[str, Any]] = []
        while True:
            message = self._next(timeout)
            if "probe" in message or "child" in message:
                self._children.append(int(message.get("probe") or message["child"]))
            elif "status" in message:
                self._children.clear()
                return messages, int(message["status"])
            else:
                messages.append(message)

    def tail(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            try:
                self.process.stdin.write('{"op": "exit"}\n')
                self.process.stdin.flush()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                # A job hung: end its children while the worker (their parent, which reaps
                # them) still lives, so their pids cannot have been reused; then the worker.
                for pid in self._children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self.process.kill()
                self.process.wait()
        self._log.close()


@dataclass
class SoakStats:
    kills: int = 0
    runs: int = 0
    finished_runs: int = 0
    probes: int = 0
    probe_failures: list[str] = field(default_factory=list)
    rebuilt: int = 0
    lost_before_repair: int = 0
    missing_repaired: int = 0
    orphans_deleted: int = 0
    rewritten_chunks: int = 0
    dense_misses: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.kills} kills in {self.runs} runs ({self.finished_runs} ran to the end), "
            f"{self.probes} probes of the store after a kill, "
            f"{len(self.probe_failures)} damaged stores (rebuilt {self.rebuilt}), "
            f"{self.lost_before_repair} acknowledged articles missing before repair, "
            f"{self.missing_repaired} articles re-marked pending, "
            f"{self.orphans_deleted} orphan chunks deleted, "
            f"{self.rewritten_chunks} chunks rewritten on reopen, "
            f"{self.dense_misses} sampled chunks their own vector did not find; "
            f"{self.seconds:.0f} s"
        )


class CrashSoak:
    """Ingest corpora of changing articles, SIGKILL the writer at random moments, and check
    after each kill what the next process finds. Raises AssertionError on any violation;
    `strict` also fails when a store that loads has lost chunks of an article reported done
    (else that is only counted, and repaired)."""

    def __init__(
        self,
        worker: Worker,
        folder: Path,
        *,
        articles: int = 80,
        changes: int = 10,
        seed: int = 0,
        max_delay: float = 1.1,
        strict: bool = True,
        sample: int = 6,
        sync_threshold: int | None = None,
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.worker = worker
        self.folder = folder
        self.where: dict[str, Any] = {
            "data_dir": str(folder / "data"),
            "sync_threshold": sync_threshold,
        }
        self.rng = random.Random(seed)
        self.articles = articles
        self.changes = changes
        self.max_delay = max_delay
        self.strict = strict
        self.sample = sample
        self.log = log
        self.editions = dict.fromkeys(range(articles), 0)
        # article id -> hashes it may have: the last one reported done and any sent since.
        self.allowed: dict[str, set[str]] = {}
        self.reported: dict[str, str] = {}
        self.stats = SoakStats()
        self._corpus_no = 0

    def _corpus(self) -> tuple[Path, list[dict[str, Any]]]:
        for i in self.rng.sample(range(self.articles), self.changes):
            self.editions[i] += 1
        records = [make_article(i, edition) for i, edition in self.editions.items()]
        self._corpus_no += 1
        path = self.folder / f"corpus-{self._corpus_no}.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        for record in records:
            self.allowed.setdefault(record["article_id"], set()).add(content_hash(record))
        return path, records

    def run(self, kills: int) -> SoakStats:
        started = time.monotonic()
        # The first run writes the whole corpus and tells how long a run takes; each later
        # run writes a new edition of some articles and is killed at a random moment of it.
        path, records = self._corpus()
        messages, status = self.worker.run({"op": "ingest", "file": str(path)} | self.where)
        assert status == 0, self.worker.tail()
        self._record(messages)
        self.verify()
        typical = 1.0  # seconds a run takes; learnt from the runs that finish
        while self.stats.kills < kills:
            path, records = self._corpus()
            job: dict[str, Any] = {"op": "ingest", "file": str(path)} | self.where
            aim = self.rng.random()
            if aim < 0.3:  # while Chroma stores vectors: a batch half in the store
                job |= {"die_in": "upsert", "die_after": self.rng.uniform(0, 0.05)}
            elif aim < 0.4:  # while old versions' chunks are deleted
                job |= {"die_in": "delete", "die_after": self.rng.uniform(0, 0.01)}
            else:  # anywhere
                job["kill_after"] = self.rng.uniform(0.02, self.max_delay * typical)
            began = time.monotonic()
            messages, status = self.worker.run(job)
            self.stats.runs += 1
            self._record(messages)
            if status == -signal.SIGKILL:
                self.stats.kills += 1
                if not any("done" in m for m in messages):
                    typical *= 1.1  # let more runs reach their writes
            elif status == 0:
                self.stats.finished_runs += 1
                if "kill_after" in job:
                    typical = 0.5 * typical + 0.5 * (time.monotonic() - began)
            else:
                raise AssertionError(f"ingest failed (status {status}): {self.worker.tail()}")
            self.verify()
        # The same ingest once more, to the end: it finishes whatever the kills left.
        messages, status = self.worker.run({"op": "ingest", "file": str(path)} | self.where)
        assert status == 0, self.worker.tail()
        self._record(messages)
        result = self.verify()
        expected = {r["article_id"]: content_hash(r) for r in records}
        states = {a: tuple(v) for a, v in result["after"]["states"].items()}
        assert states == {a: (h, "done") for a, h in expected.items()}, "index != last corpus"
        self.stats.seconds = time.monotonic() - started
        return self.stats

    def _record(self, messages: Iterable[dict[str, Any]]) -> None:
        for message in messages:
            for article_id, digest in message.get("done", []):
                self.reported[article_id] = digest
                # Versions sent before this report can no longer appear; later ones can.
                self.allowed[article_id] = {digest}

    def verify(self) -> dict[str, Any]:
        reported = sorted(self.reported)
        sample = self.rng.sample(reported, min(self.sample, len(reported)))
        messages, status = self.worker.run({"op": "verify", "sample": sample} | self.where)
        assert status == 0, f"the store did not open after a kill: {self.worker.tail()}"
        (result,) = [m["verify"] for m in messages if "verify" in m]
        self._count(result)
        after = result["after"]
        ids = after["store_ids"]
        assert len(ids) == len(set(ids)), "a chunk id is twice in the store"
        manifest_ids = {c for chunks in after["chunks"].values() for c in chunks}
        assert set(ids) == manifest_ids, (
            f"store and manifest disagree: {len(set(ids) - manifest_ids)} extra, "
            f"{len(manifest_ids - set(ids))} missing"
        )
        assert not after["stale"], "stale chunks left after a completed write"
        states = after["states"]
        assert all(state == "done" for _, state in states.values()), "pending after finishing"
        for article_id in reported:
            assert article_id in states, f"{article_id} was reported done but is gone"
            assert states[article_id][0] in self.allowed[article_id], (
                f"{article_id} holds a version it should not"
            )
            assert after["chunks"].get(article_id), f"{article_id} has no chunks"
        assert set(after["sources"]) == set(states)
        for article_id, search in result["searches"].items():
            assert search["vectors"] == search["matching"] == search["chunks"] > 0, search
            assert article_id in search["hits"], (article_id, search)
            self.stats.dense_misses += search["chunks"] - search["self_hits"]
        return result

    def _count(self, result: dict[str, Any]) -> None:
        self.stats.probes += result["probed"]
        if result["problem"]:
            self.stats.probe_failures.append(result["problem"])
        repair = result["repair"]
        self.stats.rebuilt += bool(repair["rebuilt"])
        self.stats.missing_repaired += len(repair["missing"])
        self.stats.orphans_deleted += repair["orphans"]
        self.stats.rewritten_chunks += result["finished"]
        before = result["before"]
        if before is None:
            return
        present = set(before["store_ids"])
        for article_id, digest in self.reported.items():
            state = before["states"].get(article_id)
            if state == [digest, "done"] and not set(before["chunks"][article_id]) <= present:
                self.stats.lost_before_repair += 1
                assert not self.strict, f"{article_id} was reported done but lost chunks"
        self.log(f"kill {self.stats.kills}: {result['repair']}")


if __name__ == "__main__":
    serve()
