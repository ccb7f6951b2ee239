"""Who speaks for a body or a country: its spokesman's words are its words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from retrieval.service import Newsbot
from retrieval.speaks_for import bodies_introducing, speaks_for

TEXT = (
    "US secretary of state Antony Blinken said on Tuesday that Russia was isolated. "
    "Kremlin spokesman Dmitry Peskov said the visit was a success. "
    "White House press secretary Karine Jean-Pierre told reporters the deal was worrying. "
    "Russian President Vladimir Putin said it was a breakthrough. "
    "Federal Reserve Chair Jerome Powell said rates would rise. "
    "Critics of the Kremlin over Anna Petrova's remarks were many. "
    "Sergei Lavrov, Russia's foreign minister, struck a conciliatory tone. "
    "Zhang Jun, the Chinese ambassador to the United Nations, warned again. "
    "Ivan Sokolov, the Russian economist, said growth would slow."
)


@pytest.mark.parametrize(
    ("speaker", "body"),
    [
        ("Antony Blinken", "the US"),
        ("Dmitry Peskov", "the Kremlin"),
        ("Karine Jean-Pierre", "the White House"),
        ("Vladimir Putin", "Russia"),
        ("Peskov", "the Kremlin"),  # a surname alone, after the article introduced him
        ("Jerome Powell", "the Fed"),
        ("Sergei Lavrov", "Russia"),  # the title after the name
        ("Zhang Jun", "China"),
    ],
)
def test_a_title_under_a_body_or_country_speaks_for_it(speaker: str, body: str) -> None:
    assert speaks_for(TEXT, speaker, body)


@pytest.mark.parametrize(
    ("speaker", "body"),
    [
        ("Vladimir Putin", "the Kremlin"),  # never introduced as the Kremlin's
        ("Karine Jean-Pierre", "the US"),  # "White House press secretary": not "US …"
        ("Anna Petrova", "the Kremlin"),  # "over" is no title
        ("Dmitry Peskov", "Putin"),  # a person's spokesman is not that person
        ("Ivan Sokolov", "Russia"),  # "economist" is no title
        ("Zhang Jun", "Russia"),
    ],
)
def test_other_names_near_a_body_do_not_speak_for_it(speaker: str, body: str) -> None:
    assert not speaks_for(TEXT, speaker, body)


@pytest.mark.parametrize(
    ("speaker", "bodies"),
    [
        ("Dmitry Peskov", {"kremlin"}),
        ("Peskov", {"kremlin"}),
        ("Antony Blinken", {"us", "united states", "america"}),
        ("Karine Jean-Pierre", {"white house"}),
        ("Vladimir Putin", {"russia"}),
        ("Jerome Powell", {"fed", "federal reserve"}),
        ("Sergei Lavrov", {"russia"}),
        ("Zhang Jun", {"china"}),
        ("Anna Petrova", set()),
        ("Ivan Sokolov", set()),
    ],
)
def test_the_quote_book_files_a_statement_under_the_bodies_its_speaker_speaks_for(
    speaker: str, bodies: set[str]
) -> None:
    # The names a question may ask by, lower-cased: "What did the US say?" and "What did
    # America say?" both mean the Secretary of State's words.
    assert bodies_introducing(TEXT, speaker) >= bodies
    assert bool(bodies_introducing(TEXT, speaker)) is bool(bodies)


def test_a_bodys_quotes_list_its_spokesmans_words(
    records_bot: Callable[[Sequence[Mapping[str, str]]], Newsbot],
) -> None:
    record = {
        "title": "Kremlin rejects the plan",
        "source": "Wire",
        "published_at": "2024-05-02",
        "body": (
            "Kremlin spokesman Dmitry Peskov said the plan was unacceptable. "
            "The Kremlin said on Friday that talks could resume. "
            "Russian economist Ivan Sokolov said growth would slow."
        ),
    }
    bot = records_bot([record])
    # `newsbot quotes Kremlin` and the bot's /quotes had listed the Kremlin's own
    # statements only, while answers to "What did the Kremlin say?" quoted Peskov too.
    listed = [(q.speaker, q.sentence[:20]) for q in bot.quotes("the Kremlin")]
    assert sorted(listed) == [
        ("Dmitry Peskov", "Kremlin spokesman Dm"),
        ("Kremlin", "The Kremlin said on "),
    ]
    assert [q.speaker for q in bot.quotes("Peskov")] == ["Dmitry Peskov"]
    assert [q.speaker for q in bot.quotes("Kremlin", "talks")] == ["Kremlin"]
    assert "Ivan Sokolov" not in {q.speaker for q in bot.quotes("Russia")}


def test_what_a_body_said_quotes_its_spokesman(
    records_bot: Callable[[Sequence[Mapping[str, str]]], Newsbot],
) -> None:
    record = {
        "title": "Talks in Geneva end without a deal",
        "source": "Wire",
        "published_at": "2024-05-02",
        "body": (
            "Talks on the pipeline in Geneva ended on Thursday without a deal, diplomats said. "
            "The talks on the pipeline had lasted three days and covered gas prices. "
            "Kremlin spokesman Dmitry Peskov told reporters the pipeline talks would resume "
            "in June. Analysts said the pipeline talks showed how far apart the sides were."
        ),
    }
    bot = records_bot([record])
    answer = bot.ask("What did the Kremlin say about the pipeline talks?")
    assert answer.found
    assert "would resume in June" in answer.text
    assert "Analysts said" not in answer.text


def test_a_body_with_no_words_on_record_is_not_answered_with_a_caption(
    records_bot: Callable[[Sequence[Mapping[str, str]]], Newsbot],
) -> None:
    hearing = {
        "title": "Kremlin stays out of view as Griner appears in court",
        "source": "Wire",
        "published_at": "2022-06-27",
        "body": (
            "Brittney Griner appeared at a court outside Moscow on Monday for a preliminary "
            "hearing. Her lawyers asked for the hearing to be held in private. Brittney Griner "
            "at a Russian court Monday for a preliminary hearing. The hearing lasted two hours."
        ),
    }
    bot = records_bot([hearing])
    # No statement of the Kremlin's is on record: the caption had been its words.
    assert not bot.ask("What did the Kremlin say about Brittney Griner?").found
    assert bot.ask("What happened to Brittney Griner at the hearing?").found
    hearing["body"] += (
        " Kremlin spokesman Dmitry Peskov said the case of Brittney Griner was not political."
    )
    answer = records_bot([hearing]).ask("What did the Kremlin say about Brittney Griner?")
    assert "was not political" in answer.text
