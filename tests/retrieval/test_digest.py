"""What is new: digests of the newest articles, and the note on undated ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from retrieval.answering import NOT_FOUND
from retrieval.digest import UNDATED_NOTE
from retrieval.models import LIST_ITEM
from retrieval.news_requests import outlet_mentioned
from retrieval.questions import is_digest
from retrieval.service import Newsbot


@pytest.mark.parametrize(
    "question",
    [
        "What's the latest news?",
        "What’s new?",
        "Tell me the news",
        "headlines",
        "What happened this week?",
        "Any news today?",
        "What are the top stories?",
        "Give me a summary",
        "What are the main points?",
        "Catch me up",
    ],
)
def test_questions_without_a_topic_ask_for_the_news(question: str) -> None:
    assert is_digest(question)


@pytest.mark.parametrize(
    "question",
    [
        "Who?",
        "What's new with the treaty?",
        "Any news about Russia?",
        "What happened to Kim?",
        "What did Putin say this week?",
        "Give me a summary of the pact",
        "What points did Putin make?",
    ],
)
def test_a_question_with_a_topic_or_no_news_word_is_answered_as_usual(question: str) -> None:
    assert not is_digest(question)


def test_a_summary_without_a_subject_is_the_latest_news(seeded_bot: Newsbot) -> None:
    # It had quoted one sentence that happened to hold "giving", from a protester's story.
    today = date(2025, 7, 18)
    summary = seeded_bot.ask("Give me a summary", today=today)
    latest = seeded_bot.ask("What's the latest news?", today=today)
    assert summary.found
    assert summary.text == latest.text


def test_the_latest_news_is_the_newest_articles_leads(seeded_bot: Newsbot) -> None:
    answer = seeded_bot.ask("What's the latest news?", today=date(2025, 7, 18))

    assert answer.found
    assert [c.n for c in answer.citations] == [1, 2, 3]
    dates = [c.published or "" for c in answer.citations if c.published]
    assert dates[:2] == ["2025-07-17", "2024-06-24"] and dates == sorted(dates, reverse=True)
    assert answer.citations[0].quote.startswith("A magnitude 5.8 earthquake hit")
    for citation in answer.citations:
        # The body's first sentence, not a standfirst bullet, and quoted as written.
        assert not citation.quote.startswith(LIST_ITEM.strip())
        assert re.search(r"[.!?][\"”’')]*$", citation.quote), citation.quote
        assert f"{citation.quote} [{citation.n}]" in answer.text


@pytest.mark.parametrize(
    ("question", "outlet"),
    [
        ("What's new from the FT?", "Financial Times"),
        ("What did the FT say?", "Financial Times"),
        ("arab news headlines", "Arab News"),
        ("What's the latest news from Arab News?", "Arab News"),
    ],
)
def test_the_news_of_one_outlet_is_its_newest_articles_leads(
    seeded_bot: Newsbot, question: str, outlet: str
) -> None:
    answer = seeded_bot.ask(question, today=date(2025, 7, 18))
    assert answer.found, question
    assert {c.source for c in answer.citations} == {outlet}
    everything = seeded_bot.ask("What's the latest news?", today=date(2025, 7, 18))
    theirs = [c.article_id for c in everything.citations if c.source == outlet]
    # The same leads, in the same order, as the outlet's among all the news.
    assert [c.article_id for c in answer.citations][: len(theirs)] == theirs


def test_this_week_is_not_the_outlet_called_the_week() -> None:
    assert outlet_mentioned("What happened this week?", ("The Week",)) is None
    assert outlet_mentioned("The Week headlines", ("The Week",)) == ("The Week", "headlines")
    assert outlet_mentioned("What is 10 ft long?", ("Financial Times",)) is None


def test_this_weeks_news_holds_only_this_weeks_articles(seeded_bot: Newsbot) -> None:
    week = seeded_bot.ask("What happened this week?", today=date(2025, 7, 18))
    assert week.found and [c.published for c in week.citations] == ["2025-07-17"]

    later = seeded_bot.ask("What happened this week?", today=date(2026, 3, 4))
    assert not later.found and not later.citations
    assert "2025-07-17" in later.text  # says how old the newest article is


def test_a_topic_asked_as_news_is_answered_about_the_topic(seeded_bot: Newsbot) -> None:
    # "news" is in no sentence; it used to count as a missing key word and decline this.
    answer = seeded_bot.ask("Any news about Russia?")
    assert answer.found
    assert any("Russia" in c.quote or "Putin" in c.quote for c in answer.citations)


def test_an_empty_index_has_no_news(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    bot = newsbot_factory(tmp_path)
    for question in ("What's new?", "What happened this week?"):
        answer = bot.ask(question, today=date(2025, 7, 18))
        assert not answer.found and answer.text == NOT_FOUND and not answer.citations


def test_words_about_the_news_do_not_pick_the_sentences(seeded_bot: Newsbot) -> None:
    happening = seeded_bot.ask("What is happening in Ukraine?")
    assert happening.found and "what happens afterward" not in happening.text
    story = seeded_bot.ask("Summarize the burkini story")
    assert story.found and "burkini ban" in story.text


def test_undated_articles_are_not_passed_off_as_the_latest(
    newsbot_factory: Callable[..., Newsbot], tmp_path: Path
) -> None:
    path = tmp_path / "undated.md"
    path.write_text(
        "# Ferry strike ends\n\nThe Lakeside ferry strike ended on Tuesday after talks.\n\n"
        "# Harbour bridge approved\n\nLakeside council approved the harbour bridge plan.\n",
        encoding="utf-8",
    )
    bot = newsbot_factory()
    bot.ingest([path])
    answer = bot.ask("What's the latest news?")
    assert answer.found and "ferry strike ended" in answer.text
    assert answer.text.endswith(UNDATED_NOTE)


def test_dated_articles_need_no_note(seeded_bot: Newsbot) -> None:
    assert UNDATED_NOTE not in seeded_bot.ask("What's the latest news?").text


def test_an_answer_about_a_time_from_undated_articles_says_it_cannot_tell(
    seeded_bot: Newsbot,
) -> None:
    # Undated articles are never ruled out of "this week": the asker must know the answer
    # may be old news.
    timed = seeded_bot.ask("What did Laura Murton say this week?")
    assert timed.found and not any(c.published for c in timed.citations)
    assert timed.text.endswith(
        "(This article carries no date, so I can't tell whether it is from the time you asked "
        "about.)"
    )
    untimed = seeded_bot.ask("What did Laura Murton say?")
    assert untimed.found and "carries no date" not in untimed.text
    dated = seeded_bot.ask(
        "What did Putin say about South Korea this week?", today=date(2024, 6, 25)
    )
    assert dated.found and any(c.published for c in dated.citations)
    assert "no date" not in dated.text


def test_an_article_too_old_for_the_asked_time_is_left_out_beside_an_undated_one(
    seeded_bot: Newsbot,
) -> None:
    # Two years on, the dated 2024 article cannot say what Putin said "this week"; the
    # undated one might, and the note says it cannot tell.
    answer = seeded_bot.ask("What did Putin say this week?", today=date(2026, 11, 25))
    assert answer.found and answer.citations
    assert not any(c.published for c in answer.citations)
    assert answer.text.endswith(
        "(This article carries no date, so I can't tell whether it is "
        "from the time you asked about.)"
    )
    in_time = seeded_bot.ask("What did Putin say this week?", today=date(2024, 6, 25))
    assert any(c.published == "2024-06-24" for c in in_time.citations)
    # The undated article quotes Putin, but not on South Korea: his words on it are in the
    # 2024 one alone.
    korea = seeded_bot.ask(
        "What did Putin say about South Korea this week?", today=date(2026, 11, 25)
    )
    assert not korea.found
    assert korea.text.endswith("from that time; the newest article on it is from 2024-06-24.")
