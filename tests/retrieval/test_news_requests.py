"""Questions about what the articles, or one outlet, report."""

from __future__ import annotations

import pytest

from retrieval.news_requests import (
    NewsRequest,
    looks_like_outlet,
    news_request,
    outlet_in_prose,
    outlet_named,
    switched_follow_up,
)
from retrieval.questions import contextualize
from retrieval.service import Newsbot


@pytest.mark.parametrize(
    ("question", "subject", "reporter"),
    [
        ("What did the articles say about Ukraine?", "Ukraine", None),
        ("What do the reports say about North Korea this week?", "North Korea this week", None),
        ("What can you tell me about Kim?", "Kim", None),
        ("Did anyone mention nuclear weapons?", "nuclear weapons", None),
        ("Does any article mention Khrushchev?", "Khrushchev", None),
        ("How are the papers covering the pact?", "the pact", None),
        ("Is there anything about South Korea?", "South Korea", None),
        ("Is China mentioned anywhere?", "China", None),
        ("What did the FT say about South Korea?", "South Korea", "the FT"),
        ("What did Arab News report about the pact?", "the pact", "Arab News"),
        ("What's the FT's take on the pact?", "the pact", "the FT"),
        ("Summarize the article about the rats", "the rats", None),
        # A person is a reporter too: the service leaves such questions to "what did X say".
        ("What did Putin say about South Korea?", "South Korea", "Putin"),
    ],
)
def test_a_question_about_the_news_is_read_as_what_it_asks_and_of_whom(
    question: str, subject: str, reporter: str | None
) -> None:
    assert news_request(question) == NewsRequest(subject, reporter)


def test_according_to_an_outlet_attributes_the_rest_of_the_question() -> None:
    expected = NewsRequest("What did Putin say?", "the FT", attributed=True)
    assert news_request("According to the FT, what did Putin say?") == expected
    assert news_request("What did Putin say, according to the FT?") == expected
    # A source described rather than named is no reporter to filter by.
    assert (
        news_request("Which city is the most liveable, according to a report by The Economist?")
        is None
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did Putin say?",  # no subject: the speaker's words, whatever they are about
        "What did the FT say South Korea would do?",
        "Who said the pact was a mistake?",
        "How did Seoul react to the pact?",
        "Which company bought Twitter?",
    ],
)
def test_other_questions_are_not_about_the_news(question: str) -> None:
    assert news_request(question) is None


def test_an_outlet_is_known_by_its_name_its_first_words_or_its_initials() -> None:
    outlets = ("Arab News", "Financial Times", "BBC News", "New York Times", "USA Today")
    assert outlet_named("the FT", outlets) == "Financial Times"
    assert outlet_named("the Financial Times", outlets) == "Financial Times"
    assert outlet_named("the BBC", outlets) == "BBC News"
    assert outlet_named("NYT", outlets) == "New York Times"
    assert outlet_named("Arab News", outlets) == "Arab News"
    # "the Times" is another paper, not the Financial Times; a person is no outlet.
    assert outlet_named("the Times", outlets) is None
    assert outlet_named("Putin", outlets) is None
    assert outlet_named("the USA", outlets) is None


def test_a_publication_looks_like_one_whether_or_not_it_is_indexed() -> None:
    for name in ("the New York Times", "CNN", "Reuters", "the Daily Mail", "the Washington Post"):
        assert looks_like_outlet(name), name
    for name in ("Putin", "Post Malone", "Kim Jong Un", "the Pope"):
        assert not looks_like_outlet(name), name


def test_what_the_articles_say_about_a_subject_is_answered(seeded_bot: Newsbot) -> None:
    # Read as the words of a speaker called "the articles", these were declined.
    for question in (
        "What do the articles say about Ukraine?",
        "Did anyone mention nuclear weapons?",
        "Do the articles mention China?",
    ):
        answer = seeded_bot.ask(question)
        assert answer.found, question
        assert answer.question == question


def test_what_an_outlet_said_is_answered_from_its_articles_only(seeded_bot: Newsbot) -> None:
    answer = seeded_bot.ask("What did the FT say about South Korea?")
    assert answer.found
    assert {c.source for c in answer.citations} == {"Financial Times"}
    answer = seeded_bot.ask("What does Arab News say about Ukraine?")
    assert answer.found
    assert {c.source for c in answer.citations} == {"Arab News"}
    declined = seeded_bot.ask("What did the FT say about cricket?")
    assert not declined.found
    assert declined.text == "I couldn't find that in the indexed articles from the Financial Times."


def test_according_to_an_outlet_is_answered_from_its_articles(seeded_bot: Newsbot) -> None:
    for question, outlet in (
        ("According to Arab News, what did Putin say?", "Arab News"),
        ("What did Putin say, according to the FT?", "Financial Times"),
        ("What's the FT's take on the pact?", "Financial Times"),
    ):
        answer = seeded_bot.ask(question)
        assert answer.found, question
        assert {c.source for c in answer.citations} == {outlet}, question
    # Other outlets may report what one not indexed said: the question stays as asked.
    answer = seeded_bot.ask("According to the New York Times, what did Putin say?")
    assert answer.found and "None of the indexed articles" not in answer.text


def test_summarize_the_article_about_a_subject(seeded_bot: Newsbot) -> None:
    answer = seeded_bot.ask("Summarize the article about the rats")
    assert answer.found
    assert all("rats" in c.title for c in answer.citations)


def test_an_outlet_not_indexed_is_declined_with_the_outlets_there_are(
    seeded_bot: Newsbot,
) -> None:
    # Before, Arab News' sentences on the pact answered for the New York Times.
    answer = seeded_bot.ask("What did the New York Times say about the pact?")
    assert not answer.found and not answer.citations
    assert answer.text == (
        "None of the indexed articles is from the New York Times; they are from Arab News "
        "and the Financial Times."
    )


@pytest.mark.parametrize(
    "question", ["What's new from CNN?", "Reuters headlines", "What did CNN say?"]
)
def test_news_from_an_outlet_not_indexed_names_the_outlets_there_are(
    seeded_bot: Newsbot, question: str
) -> None:
    answer = seeded_bot.ask(question)
    assert not answer.found and not answer.citations
    assert answer.text.startswith("None of the indexed articles is from "), answer.text
    assert answer.text.endswith("they are from Arab News and the Financial Times.")


def test_an_outlet_is_named_as_a_sentence_writes_it() -> None:
    assert outlet_in_prose("Financial Times") == "the Financial Times"
    assert outlet_in_prose("BBC") == "the BBC"
    assert outlet_in_prose("The Week") == "The Week"
    assert outlet_in_prose("Arab News") == "Arab News"
    assert outlet_in_prose("CNN") == "CNN"


@pytest.mark.parametrize(
    ("previous", "question", "meant"),
    [
        (
            "What did the FT say about the pact?",
            "And about South Korea?",
            "What did the FT say about South Korea?",
        ),
        (
            "What did the FT say about the pact?",
            "What about South Korea?",
            "What did the FT say about South Korea?",
        ),
        (
            "What did the FT say about the pact?",
            "And Arab News?",
            "What did Arab News say about the pact?",
        ),
        (
            "What did the FT say about the pact this week?",
            "what about the BBC?",
            "What did the BBC say about the pact this week?",
        ),
        (
            "What did Putin say about the pact?",
            "and about South Korea?",
            "What did Putin say about South Korea?",
        ),
        (
            "What do the articles say about Ukraine?",
            "And about Russia?",
            "What did the articles say about Russia?",
        ),
        (
            "What do the articles say about Ukraine?",
            "What about Russia?",
            "What did the articles say about Russia?",
        ),
    ],
)
def test_a_follow_up_keeps_whom_or_what_it_does_not_change(
    previous: str, question: str, meant: str
) -> None:
    assert contextualize(question, previous) == meant


def test_a_follow_up_that_changes_nothing_named_is_not_rewritten() -> None:
    # Kim may be the next speaker or Putin's subject: left to the older reading.
    assert switched_follow_up("What about Kim?", "What did Putin say about the pact?") is None
    assert switched_follow_up("And what about it?", "What did the FT say about the pact?") is None
    assert switched_follow_up("And about Ohio?", "Who won the election?") is None
    # A time is the timeframe's to read, not a new subject.
    assert switched_follow_up("And on Monday?", "What did the FT say about the pact?") is None


def test_a_follow_up_to_an_outlet_question_is_answered_from_that_outlet(
    seeded_bot: Newsbot,
) -> None:
    previous = "What did the FT say about the pact?"
    answer = seeded_bot.ask("And about South Korea?", previous=previous)
    assert answer.found
    assert {c.source for c in answer.citations} == {"Financial Times"}
    assert answer.question == "And about South Korea?"
    answer = seeded_bot.ask("And Arab News?", previous=previous)
    assert answer.found
    assert {c.source for c in answer.citations} == {"Arab News"}


def test_search_in_time_filters_both_the_period_and_the_rest(seeded_bot: Newsbot) -> None:
    where = {"source": "Financial Times"}
    passages = seeded_bot.search_in_time("Ukraine in June 2024", k=5, where=where)
    assert passages
    assert {p.chunk.source for p in passages} == {"Financial Times"}
