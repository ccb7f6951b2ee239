"""What a speaker said is answered from the quote book when search does not bring it back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from retrieval.service import Newsbot

# Seven articles on stalled talks, heavy with the question's words but holding no words of
# the Kremlin's, and one on grain ships that holds the Kremlin's statement on talks.
_ROUNDS = [
    ("Geneva", "Sergei Lavrov"),
    ("Istanbul", "Mevlut Cavusoglu"),
    ("Minsk", "Alexander Lukashenko"),
    ("Vienna", "Rafael Grossi"),
    ("Paris", "Emmanuel Macron"),
    ("Berlin", "Olaf Scholz"),
    ("Rome", "Mario Draghi"),
]
_STATEMENT = "The Kremlin said on Friday that it was ready to hold talks with Kyiv"


def _articles() -> list[dict[str, str]]:
    talks = [
        {
            "title": f"Talks in {city} on the Kremlin's war stall again",
            "text": (
                f"Talks in {city} between Ukrainian and Russian delegations stalled again on "
                f"Tuesday. {who} said the talks had made little progress and that more talks "
                "were needed. Diplomats said the next round of talks on the Kremlin's war could "
                f"come within weeks. The talks are round {i + 3} since the war began."
            ),
            "source": "Wire",
            "published": f"2022-03-{10 + i:02d}",
        }
        for i, (city, who) in enumerate(_ROUNDS)
    ]
    grain = {
        "title": "Grain ships leave Odesa under a new corridor",
        "text": (
            "Three ships loaded with corn left the port of Odesa on Friday under a corridor "
            "agreed last month. Insurers said premiums remained high for vessels crossing the "
            "Black Sea. Farmers in the south said silos were still full from last year's "
            f"harvest. {_STATEMENT} only after its forces withdrew. Shipping data showed a "
            "dozen more vessels waiting to load in the coming days. Prices for wheat fell two "
            "percent in Chicago after the news."
        ),
        "source": "Ledger",
        "published": "2022-03-20",
    }
    # The Kremlin's newest words are on other subjects.
    fertiliser = {
        "title": "Fertiliser plants run at full tilt",
        "text": (
            "Fertiliser plants in the Volga region ran at full capacity in March. "
            "The Kremlin said on Sunday that fertiliser sales abroad would double."
        ),
        "source": "Ledger",
        "published": "2022-03-27",
    }
    wheat = {
        "title": "Russia expects a record harvest",
        "text": (
            "Russia expects to harvest a record amount of wheat this year. "
            "The Kremlin said on Monday that wheat exports would rise by a fifth."
        ),
        "source": "Ledger",
        "published": "2022-03-28",
    }
    return [*talks, grain, fertiliser, wheat]


@pytest.fixture
def talks_bot(records_bot: Callable[[Sequence[Mapping[str, str]]], Newsbot]) -> Newsbot:
    return records_bot(_articles())


def test_a_speakers_words_on_the_topic_are_found_though_search_ranks_others_first(
    talks_bot: Newsbot,
) -> None:
    # Search alone brought back the seven rounds of talks, and the answer quoted a diplomat
    # and the talks' round numbers as the Kremlin's words.
    searched = {p.chunk.title for p in talks_bot.search("What did the Kremlin say about talks?")}
    assert "Grain ships leave Odesa under a new corridor" not in searched
    for question in (
        "What did the Kremlin say about talks?",
        # No topic the words must hold, but those on the question's words come first.
        "How did the Kremlin react to the stalled talks?",
    ):
        answer = talks_bot.ask(question)
        assert answer.found
        assert _STATEMENT in answer.text
        assert [c.title for c in answer.citations] == [
            "Grain ships leave Odesa under a new corridor"
        ]
    assert "wheat exports would rise" in talks_bot.ask("What did the Kremlin say?").text


def test_the_quote_book_adds_nothing_the_speaker_did_not_say(talks_bot: Newsbot) -> None:
    assert not talks_bot.ask("What did the Kremlin say about insurers?").found
    # Asked of one outlet, the words must be in that outlet's articles.
    wire = talks_bot.ask("According to Wire, what did the Kremlin say about talks?")
    assert _STATEMENT not in wire.text
    ledger = talks_bot.ask("According to the Ledger, what did the Kremlin say about talks?")
    assert _STATEMENT in ledger.text
    lavrov = talks_bot.ask("What did Lavrov say about talks?")
    assert "Sergei Lavrov said the talks had made little progress" in lavrov.text


def test_a_reaction_to_something_named_is_words_that_name_it(talks_bot: Newsbot) -> None:
    # The Kremlin's statement on talks shares "talks" with the question, but not Geneva:
    # it was added from the quote book as the Kremlin's reaction to the Geneva talks.
    answer = talks_bot.ask("How did the Kremlin react to the talks in Geneva?")
    assert _STATEMENT not in answer.text
    assert "Grain ships leave Odesa under a new corridor" not in {c.title for c in answer.citations}
    assert _STATEMENT in talks_bot.ask("How did the Kremlin react to the talks?").text
    # A year is when, not what: the statement need not name it.
    assert _STATEMENT in talks_bot.ask("How did the Kremlin react to the talks in 2022?").text


_BURIED = "The Kremlin said on Thursday that wheat would go only to friendly countries"


@pytest.fixture
def wheat_bot(records_bot: Callable[[Sequence[Mapping[str, str]]], Newsbot]) -> Newsbot:
    # Seven articles on wheat and the Kremlin's war, holding no words of the Kremlin's; one
    # that search brings back with a Kremlin statement on wheat; one that it does not, whose
    # Kremlin statement on wheat sits among talk of ships and insurers.
    markets = [
        {
            "title": f"Wheat prices in {city} swing on the Kremlin's war",
            "text": (
                f"Wheat traders in {city} said wheat prices swung again on Tuesday. "
                "Wheat buyers said the Kremlin's war kept wheat markets nervous, and wheat "
                f"stocks were low. {who} said wheat supplies would stay tight."
            ),
            "source": "Wire",
            "published": f"2022-03-{10 + i:02d}",
        }
        for i, (city, who) in enumerate(_ROUNDS)
    ]
    found = {
        "title": "The Kremlin on wheat exports",
        "text": (
            "The Kremlin said on Monday that wheat exports would rise by a fifth. Wheat "
            "growers in the south said the wheat harvest looked strong."
        ),
        "source": "Ledger",
        "published": "2022-03-28",
    }
    buried = {
        "title": "Ships queue off Odesa as insurers balk",
        "text": (
            "A dozen ships queued off Odesa on Friday as insurers refused cover for the "
            "Black Sea crossing. Port officials said the queue could last for weeks. "
            f"{_BURIED}. Shipping data showed crews waiting for orders."
        ),
        "source": "Ledger",
        "published": "2022-03-20",
    }
    return records_bot([*markets, found, buried])


def test_the_quote_book_adds_words_search_missed_beside_those_it_found(
    wheat_bot: Newsbot,
) -> None:
    question = "What did the Kremlin say about wheat?"
    searched = {p.chunk.title for p in wheat_bot.search(question)}
    assert "The Kremlin on wheat exports" in searched
    assert "Ships queue off Odesa as insurers balk" not in searched
    answer = wheat_bot.ask(question)
    assert "wheat exports would rise by a fifth" in answer.text
    assert _BURIED in answer.text
