"""Property tests: any sequence of adds, re-adds, changes and removals leaves the index equal
to a plain dict of what should be there, in the manifest, in Chroma and after reopening."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.embedding import Embedder
from retrieval.models import Article
from retrieval.service import Newsbot
from retrieval.settings import Settings
from tests.retrieval.ingest_worker import make_article

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 6  # article 0 is long (several chunks); the others fit one chunk

_add = st.tuples(
    st.just("add"),
    st.lists(st.tuples(st.integers(0, ARTICLES - 1), st.integers(0, 2)), min_size=1, max_size=4),
)
_remove = st.tuples(
    st.just("remove"),
    # Unknown ids included. Unique: `Newsbot.remove` counts a repeated id twice (reported).
    st.lists(st.integers(0, ARTICLES + 1), min_size=1, max_size=3),
)
_reopen = st.tuples(st.just("reopen"), st.just([]))
_operations = st.lists(st.one_of(_add, _add, _remove, _reopen), min_size=1, max_size=7)


def _article(i: int, edition: int) -> Article:
    return Article(**make_article(i * 25 if i == 0 else i, edition))


def _check(bot: Newsbot, model: dict[str, Article]) -> None:
    """The index holds exactly the model's articles, each complete, nothing else."""
    assert bot.manifest.hashes() == {a: (m.content_hash, "done") for a, m in model.items()}
    states = bot.manifest.chunk_states()
    store_ids = bot.store.all_ids()
    assert len(store_ids) == len(set(store_ids)), "a chunk id twice in Chroma"
    assert set(store_ids) == set(states), "Chroma and the manifest disagree"
    assert {aid for aid, _ in states.values()} == set(model)
    assert not bot.manifest.stale_ids() and not bot.manifest.pending()
    assert sorted(i.article_id for i in bot.sources()) == sorted(model)
    assert bot.stats().articles == len(model)
    if states:
        got = bot.store.collection.get(ids=sorted(states), include=["documents", "metadatas"])
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            article = model[states[cid][0]]
            assert text == article.text[meta["start"] : meta["end"]], "a chunk of an old version"
            assert meta["article_id"] == article.article_id and meta["title"] == article.title


@settings(
    max_examples=int(os.environ.get("MODEL_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("MODEL_EXAMPLES") is None,
)
@given(operations=_operations)
def test_index_matches_a_model_of_it(embedder: Embedder, operations: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings_ = Settings(data_dir=Path(folder), chroma_host=None)
        bot = Newsbot.open(settings_, embedder=embedder)
        model: dict[str, Article] = {}
        try:
            for op, args in operations:
                if op == "add":
                    articles = [_article(i, edition) for i, edition in args]
                    report = bot.add_articles(articles)
                    latest = {a.article_id: a for a in articles}  # a later duplicate wins
                    known = {a: model[a].content_hash for a in latest if a in model}
                    assert report.unchanged == sum(
                        known.get(a) == m.content_hash for a, m in latest.items()
                    )
                    model.update(latest)
                elif op == "remove":
                    ids = [_article(i, 0).article_id for i in args]
                    assert bot.remove(ids) == len({a for a in ids if a in model})
                    for article_id in ids:
                        model.pop(article_id, None)
                else:
                    bot.close()
                    bot = Newsbot.open(settings_, embedder=embedder)
                _check(bot, model)
        finally:
            bot.close()


_REOPEN = """
import json, sys
from pathlib import Path
from retrieval.service import Newsbot
from retrieval.settings import Settings
bot = Newsbot.open(Settings(data_dir=Path(sys.argv[1]), chroma_host=None))
print(json.dumps({
    "hashes": bot.manifest.hashes(),
    "chunks": sorted(bot.manifest.chunk_states()),
    "store": bot.store.all_ids(),
    "sources": sorted(i.article_id for i in bot.sources()),
}))
"""


def test_a_fresh_process_sees_the_same_index(newsbot_factory: Any, tmp_path: Path) -> None:
    bot = newsbot_factory(data_dir=tmp_path / "data")
    bot.add_articles([_article(i, 0) for i in range(ARTICLES)])
    bot.add_articles([_article(0, 1), _article(2, 2)])  # changed
    bot.remove(["a00003", "a00004"])
    bot.add_articles([_article(3, 1)])  # re-added after removal
    model = {a.article_id: a for a in (_article(i, 0) for i in (1, 5))}
    model |= {a.article_id: a for a in (_article(0, 1), _article(2, 2), _article(3, 1))}
    _check(bot, model)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "NEWSBOT_"))}
    done = subprocess.run(
        [sys.executable, "-c", _REOPEN, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["hashes"] == {a: [m.content_hash, "done"] for a, m in model.items()}
    assert seen["chunks"] == sorted(seen["store"]) == sorted(bot.manifest.chunk_states())
    assert seen["sources"] == sorted(model)
