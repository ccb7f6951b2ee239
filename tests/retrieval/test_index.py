"""Ingest is idempotent, replaces changed articles and never writes on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import BinaryFileError, EmptyFileError, InputError, PathNotFoundError
from retrieval.ingest import read_articles
from retrieval.models import Article

ARTICLE = """Harbour council approves new budget

The harbour council approved a budget of 4 million euros on Monday.
The mayor said the money will repair the old pier and dredge the channel.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reingest_adds_and_embeds_nothing(newsbot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "a.txt", ARTICLE)
    bot = newsbot_factory()
    first = bot.ingest([path])
    assert (first.new, first.changed, first.unchanged) == (1, 0, 0)
    assert first.chunks_written >= 1
    count = bot.store.count()
    second = bot.ingest([path])
    assert (second.new, second.changed, second.unchanged, second.chunks_written) == (0, 0, 1, 0)
    assert bot.store.count() == count


def test_changed_article_replaces_its_chunks(newsbot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "a.txt", ARTICLE)
    bot = newsbot_factory()
    bot.ingest([path])
    before = bot.store.count()
    _write(tmp_path, "a.txt", ARTICLE.replace("4 million", "9 million"))
    report = bot.ingest([path])
    assert (report.new, report.changed) == (0, 1)
    assert bot.store.count() == before, "old chunks were removed, not kept beside the new"
    answer = bot.ask("What budget did the harbour council approve?")
    assert "9 million" in answer.text and "4 million" not in answer.text


def test_files_already_read_are_indexed_as_read_and_replace_what_they_held(
    newsbot_factory, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The command line reads every file to check it before opening the index, then hands
    # over what it read: the file is not read a second time.
    path = _write(tmp_path, "a.txt", ARTICLE)
    bot = newsbot_factory()
    bot.ingest([path])
    retitled = ARTICLE.replace("approves new budget", "passes its budget")
    _write(tmp_path, "a.txt", retitled.replace("4 million", "9 million"))
    read = {path: read_articles(path)}
    _write(tmp_path, "a.txt", retitled.replace("4 million", "12 million"))
    report = bot.ingest_files(read)
    assert (report.new, report.removed) == (1, 1), "the old headline's article is retired"
    assert [info.title for info in bot.sources()] == ["Harbour council passes its budget"]
    answer = bot.ask("What budget did the harbour council approve?")
    assert "9 million" in answer.text and "12 million" not in answer.text


def test_bad_file_in_a_batch_leaves_index_untouched(newsbot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = _write(tmp_path, "good.txt", ARTICLE)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    bot = newsbot_factory()
    with pytest.raises(BinaryFileError):
        bot.ingest([good, bad])
    assert bot.stats().articles == 0 and bot.store.count() == 0


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", EmptyFileError), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryFileError)],
)
def test_bad_files_raise_specific_errors(
    newsbot_factory,
    tmp_path: Path,
    content: bytes,
    error: type[InputError],  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(error):
        newsbot_factory().ingest([path])


def test_missing_path(newsbot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PathNotFoundError, match="no such file"):
        newsbot_factory().ingest([tmp_path / "nope.txt"])


def test_seeds_split_into_seven_articles(seeded_bot) -> None:  # type: ignore[no-untyped-def]
    infos = seeded_bot.sources()
    assert len(infos) == 7
    sources = {i.source for i in infos}
    assert sources == {"Arab News", "Financial Times"}
    stats = seeded_bot.stats()
    assert stats.articles == 7 and stats.latest == "2025-07-17"


def test_interrupted_write_is_finished_on_next_run(newsbot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bot = newsbot_factory(data_dir=tmp_path / "d")
    article = Article(
        article_id="x1", title="Harbour budget", text=ARTICLE.split("\n", 2)[2], origin="t"
    )
    chunks = bot.writer.indexer().chunker.chunk_many([article])
    bot.manifest.begin([article], chunks)  # a crash right after this line
    assert bot.stats().articles == 0, "pending articles are invisible"
    assert bot.ask("What budget did the harbour council approve?").found is False
    report = bot.add_articles([])
    assert report.chunks_written == len(chunks[0])
    assert bot.stats().articles == 1
    assert bot.ask("What budget did the harbour council approve?").found
