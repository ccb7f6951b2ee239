"""The library as an app embeds it: filters, the LangChain retriever, closing, misuse."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from retrieval import (
    AnswerConfig,
    BadFilterError,
    ClosedError,
    InputError,
    NestedWriteError,
    NewsAnswerRetriever,
    Newsbot,
    NewsRetriever,
    SearchConfig,
    SettingsError,
    StoreLockedError,
    load_settings,
)
from retrieval.errors import BadLimitError, DataDirError, EmptyQuestionError
from retrieval.filters import matches
from retrieval.locking import WriterLock
from retrieval.models import Article
from retrieval.settings import Settings
from tests.conftest import DATA, SEEDS

ONE_FILE = DATA / "ingest" / "bbc_style.txt"
QUERY = "Putin South Korea rats mosque burkini earthquake"

FILTERS: list[dict[str, Any]] = [
    {"source": {"$in": ["Financial Times"]}},
    {"source": {"$ne": "Arab News"}},
    {"source": {"$nin": ["Arab News", "Financial Times"]}},
    {"$or": [{"source": "Financial Times"}, {"published_ts": {"$gte": 20240625}}]},
    {"$and": [{"published_ts": {"$gte": 20240101}}, {"source": {"$ne": "Arab News"}}]},
    {"title": {"$contains": "rats"}},  # Chroma: $contains reads list fields; ours are text
]


@pytest.mark.parametrize("where", FILTERS)
def test_every_passage_passes_the_filter_in_both_halves_of_the_search(
    seeded_bot: Newsbot, where: dict[str, Any]
) -> None:
    unfiltered = seeded_bot.search(QUERY, k=20)
    filtered = seeded_bot.search(QUERY, k=20, where=where)
    assert all(matches(p.chunk.metadata(), where) for p in filtered)
    # BM25 alone would rank the others; they must still be kept out.
    assert len(filtered) < len(unfiltered)
    expected = {p.chunk.article_id for p in unfiltered if matches(p.chunk.metadata(), where)}
    assert expected <= {p.chunk.article_id for p in filtered}


def test_filters_mean_what_they_mean_in_chroma() -> None:
    meta = {"source": "FT", "published_ts": 20240624, "title": "Rats"}
    assert matches({"title": "x"}, {"source": {"$ne": "FT"}})  # no source is "not FT"
    assert matches({"title": "x"}, {"source": {"$nin": ["FT"]}})
    assert not matches({"title": "x"}, {"published_ts": {"$lt": 20250101}})
    assert matches(meta, {"published_ts": {"$gt": 20240623}})
    assert not matches(meta, {"published_ts": {"$lt": 20240624}})
    assert matches(meta, {"$or": [{"source": "AP"}, {"title": {"$eq": "Rats"}}]})
    assert not matches(meta, {"title": {"$contains": "Rats"}})
    assert matches(meta, {"title": {"$not_contains": "Rats"}})


@pytest.mark.parametrize(
    "where",
    [
        {"published": {"$gte": "2024-01-01"}},  # ranges compare numbers: published_ts
        {"source": {"$regex": "Arab"}},
        {"source": "BBC", "title": "x"},  # Chroma takes one key; two need $and
    ],
)
def test_a_filter_chroma_would_refuse_is_an_input_error(
    seeded_bot: Newsbot, where: dict[str, Any]
) -> None:
    with pytest.raises(BadFilterError, match="published_ts"):
        seeded_bot.search("Putin", where=where)


def test_the_langchain_retriever_filters_and_checks_its_query(seeded_bot: Newsbot) -> None:
    retriever = NewsRetriever(
        searcher=seeded_bot.searcher, k=10, where={"source": {"$in": ["Financial Times"]}}
    )
    documents = retriever.invoke(QUERY)
    assert documents
    assert {d.metadata["source"] for d in documents} == {"Financial Times"}
    with pytest.raises(EmptyQuestionError):
        retriever.invoke("   ")


def test_k_below_one_is_an_input_error(seeded_bot: Newsbot) -> None:
    with pytest.raises(InputError, match="at least 1"):
        seeded_bot.search("Putin", k=0)


def test_a_closed_newsbot_refuses_work_clearly(newsbot_factory: Callable[..., Newsbot]) -> None:
    bot = newsbot_factory()
    bot.close()
    bot.close()
    for call in (
        lambda: bot.ask("Why was the man jailed?"),
        lambda: bot.quotes("Putin"),
        lambda: bot.ingest([SEEDS]),
        bot.sources,
    ):
        with pytest.raises(ClosedError, match="closed; open a new one"):
            call()


def test_with_block_closes(embedder: Any, tmp_path: Path) -> None:
    with Newsbot.open(Settings(data_dir=tmp_path), embedder=embedder) as bot:
        assert bot.stats().articles == 0
    assert bot.closed


def test_one_path_need_not_be_in_a_list(newsbot_factory: Callable[..., Newsbot]) -> None:
    bot = newsbot_factory()
    assert bot.ingest(str(ONE_FILE)).new == 1
    assert bot.ingest(ONE_FILE).unchanged == 1


def test_a_write_started_inside_a_write_is_refused_not_a_hang(
    newsbot_factory: Callable[..., Newsbot],
) -> None:
    bot = newsbot_factory()

    def nested(batch: Sequence[Article]) -> None:
        bot.ingest([SEEDS])

    with pytest.raises(NestedWriteError, match="on_batch_done"):
        bot.ingest([ONE_FILE], on_batch_done=nested)
    # The refused write did not hold the lock for good: the next one goes through.
    assert bot.ingest([SEEDS]).new >= 1


def test_a_second_newsbot_in_one_process_is_told_so(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    first = newsbot_factory(tmp_path)
    second = newsbot_factory(tmp_path)
    refusals: list[str] = []

    def while_writing(batch: Sequence[Article]) -> None:
        with pytest.raises(StoreLockedError) as refused:
            second.ingest([SEEDS])
        refusals.append(str(refused.value))

    first.ingest([ONE_FILE], on_batch_done=while_writing)
    assert refusals
    assert "this process" in refusals[0]


def test_a_failing_after_write_does_not_mark_the_write_interrupted(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    bot = newsbot_factory(tmp_path)
    bot.quote_book.close()  # its sync after the write now fails
    with pytest.raises(Exception, match="closed"):
        bot.ingest([ONE_FILE])
    assert WriterLock.holder(tmp_path / "writer.lock") is None
    assert len(bot.sources()) == 1


def test_a_data_folder_that_is_a_file_is_an_input_error(embedder: Any, tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_text("not a folder")
    with pytest.raises(DataDirError, match="NEWSBOT_DATA_DIR"):
        Newsbot.open(Settings(data_dir=path), embedder=embedder)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NEWSBOT_COLLECTION", "a"), ("NEWSBOT_LOG_LEVEL", "verbose")],
)
def test_bad_settings_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_retriever_ranks_the_period_a_query_names_first(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    records = [
        {
            "title": "Harbour bridge plan approved",
            "published_at": "2019-03-02",
            "body": "This is what happened at the Lakeside harbour: the council approved the "
            "harbour bridge plan, and what happened at the harbour on Monday was historic, "
            "the harbour board said.",
        },
        {
            "title": "Ferry strike ends",
            "published_at": "2024-06-12",
            "body": "The Lakeside ferry strike ended on Tuesday after talks with the union.",
        },
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    bot = newsbot_factory()
    bot.ingest([path])
    retriever = NewsRetriever(searcher=bot.searcher, k=2)
    assert retriever.invoke("harbour bridge")[0].metadata["published"] == "2019-03-02"
    in_june = retriever.invoke("What happened at Lakeside harbour in June 2024?")
    assert in_june[0].metadata["published"] == "2024-06-12"


def test_one_call_may_ask_the_retriever_for_other_k_or_filter(seeded_bot: Newsbot) -> None:
    retriever = NewsRetriever(searcher=seeded_bot.searcher, k=5)
    assert len(retriever.invoke(QUERY, k=1)) == 1
    only_ft = retriever.invoke(QUERY, where={"source": "Financial Times"})
    assert only_ft and {d.metadata["source"] for d in only_ft} == {"Financial Times"}
    with pytest.raises(InputError, match="at most 50"):
        retriever.invoke(QUERY, k=51)
    with pytest.raises(BadLimitError):
        retriever.invoke(QUERY, k=0)


def test_the_answer_retriever_gives_the_cited_sentences_or_nothing(seeded_bot: Newsbot) -> None:
    retriever = NewsAnswerRetriever(bot=seeded_bot)
    question = "What did Putin say about South Korea?"
    answer = seeded_bot.ask(question)
    documents = retriever.invoke(question)
    assert [d.page_content for d in documents] == [c.quote for c in answer.citations]
    assert [d.metadata["n"] for d in documents] == [c.n for c in answer.citations]
    assert {d.metadata["answer"] for d in documents} == {answer.text}
    assert all(d.metadata["title"] and d.metadata["source"] for d in documents)
    # The plain retriever hands back five passages for anything; this one declines.
    assert len(NewsRetriever(searcher=seeded_bot.searcher).invoke("cricket scores")) == 5
    assert retriever.invoke("What were the cricket scores?") == []


def test_the_answer_retriever_reads_follow_ups(seeded_bot: Newsbot) -> None:
    retriever = NewsAnswerRetriever(bot=seeded_bot)
    documents = retriever.invoke(
        "And about South Korea?", previous="What did the FT say about the pact?"
    )
    assert documents and {d.metadata["source"] for d in documents} == {"Financial Times"}


def test_open_takes_the_configs(embedder: Any, tmp_path: Path) -> None:
    with Newsbot.open(
        Settings(data_dir=tmp_path),
        embedder=embedder,
        search_config=SearchConfig(per_article=1),
        answer_config=AnswerConfig(max_sentences=1),
    ) as bot:
        assert bot.searcher.config.per_article == 1
        assert bot.answerer.config.max_sentences == 1
