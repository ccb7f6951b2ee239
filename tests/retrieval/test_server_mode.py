"""Newsbot against a real `chroma run` server: it works, it fails clearly when the server goes
away or hangs, and it carries on without a restart once the server is back."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.embedding import Embedder
from retrieval.errors import StoreUnavailableError
from retrieval.models import Article
from retrieval.service import Newsbot
from retrieval.settings import Settings
from retrieval.store import ChunkStore, make_client
from tests.retrieval.ingest_worker import ChromaServer, free_port, make_article, token


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[[], ChromaServer]]:
    """Starts servers of the test's own (so stopping one affects no other test)."""
    started: list[ChromaServer] = []

    def start() -> ChromaServer:
        server = ChromaServer(tmp_path / f"chroma-{len(started)}")
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


def _bot_on(server: ChromaServer, newsbot_factory: Any, tmp_path: Path) -> Any:
    return newsbot_factory(
        data_dir=tmp_path / "data",
        chroma_host=server.host,
        chroma_port=server.port,
        collection=f"t{uuid.uuid4().hex[:12]}",
    )


def _question(i: int) -> str:
    return f"What did the {token(i)} harbour board discuss?"


def _cites(answer: Any, article_id: str) -> bool:
    return answer.found and article_id in {c.article_id for c in answer.citations}


def _one_line_naming(err: StoreUnavailableError, server: ChromaServer) -> None:
    message = str(err)
    assert "\n" not in message
    assert f"{server.host}:{server.port}" in message
    assert "chroma run" in message and "CHROMA_HOST" in message


def test_ingest_and_answer_through_a_server(
    servers: Callable[[], ChromaServer], newsbot_factory: Any, tmp_path: Path
) -> None:
    server = servers()
    bot = _bot_on(server, newsbot_factory, tmp_path)
    assert bot.store.persist_path is None
    report = bot.add_articles([Article(**make_article(i)) for i in range(4)])
    assert report.new == 4
    assert sorted(bot.store.all_ids()) == sorted(bot.manifest.chunk_states())
    assert _cites(bot.ask(_question(2)), "a00002")
    # A search among named chunks, and a name the server no longer holds.
    vector = bot.embedder.encode([_question(1)])[0]
    named = sorted(bot.store.all_ids())[:3]
    hits = bot.store.query_among(vector, 2, named)
    assert hits is not None and len(hits) == 2 and {cid for cid, _ in hits} <= set(named)
    assert bot.store.query_among(vector, 2, [*named, "no-such-chunk"]) is None
    # The vectors live on the server, not in the data folder.
    assert not (tmp_path / "data" / "chroma").exists()


def test_server_gone_mid_query_then_back(
    servers: Callable[[], ChromaServer], newsbot_factory: Any, tmp_path: Path
) -> None:
    server = servers()
    bot = _bot_on(server, newsbot_factory, tmp_path)
    bot.add_articles([Article(**make_article(i)) for i in range(1, 4)])
    assert _cites(bot.ask(_question(1)), "a00001")

    # Freeze the server so the query is surely in flight, then kill it under the query.
    server.pause()
    outcome: dict[str, BaseException | None] = {}

    def query() -> None:
        try:
            bot.search(token(1))
            outcome["error"] = None
        except BaseException as err:
            outcome["error"] = err

    asker = threading.Thread(target=query)
    asker.start()
    time.sleep(0.5)
    assert asker.is_alive(), "the query waits on the frozen server"
    assert server.process is not None
    server.process.kill()
    server.process.wait()
    asker.join(timeout=30)
    assert isinstance(outcome["error"], StoreUnavailableError), outcome
    _one_line_naming(outcome["error"], server)

    # While it is down: every call fails the same clear way, fast.
    began = time.monotonic()
    with pytest.raises(StoreUnavailableError) as down:
        bot.ask(_question(2))
    _one_line_naming(down.value, server)
    with pytest.raises(StoreUnavailableError):
        bot.add_articles([Article(**make_article(9))])
    assert time.monotonic() - began < 10

    # Back on the same port and folder: the same Newsbot works again, no restart needed.
    server.start()
    assert _cites(bot.ask(_question(2)), "a00002")
    bot.add_articles([Article(**make_article(9))])
    assert _cites(bot.ask(_question(9)), "a00009")
    assert sorted(bot.store.all_ids()) == sorted(bot.manifest.chunk_states())


def test_a_hung_server_times_out_instead_of_hanging(
    servers: Callable[[], ChromaServer], embedder: Embedder
) -> None:
    server = servers()
    client = make_client(host=server.host, port=server.port, timeout=1.5)
    store = ChunkStore(client, embedder, f"t{uuid.uuid4().hex[:12]}")
    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    assert store.query(vector, 3) == []
    server.pause()
    try:
        began = time.monotonic()
        with pytest.raises(StoreUnavailableError) as hung:
            store.count()
        assert time.monotonic() - began < 10
        _one_line_naming(hung.value, server)
    finally:
        server.resume()
    assert store.count() == 0


def test_no_server_at_all_is_a_one_line_error(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(StoreUnavailableError) as refused:
        Newsbot.open(Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=port))
    assert f"127.0.0.1:{port}" in str(refused.value) and "\n" not in str(refused.value)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "NEWSBOT_"))}
    env |= {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "NEWSBOT_DATA_DIR": str(tmp_path)}
    cli = subprocess.run(
        [sys.executable, "-m", "retrieval.cli", "sources"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 1
    expected = f"newsbot: error: cannot reach the Chroma store at 127.0.0.1:{port}"
    assert cli.stderr.startswith(expected), cli.stderr
    assert len(cli.stderr.strip().splitlines()) == 1
