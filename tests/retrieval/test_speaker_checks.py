"""Whether an answer names the speaker a "what did X say" question asks for."""

from __future__ import annotations

import pytest

from retrieval.speaker_checks import names_speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Mr Clarke said the powers would be used rarely.", "Charles Clarke"),
        ("Home Secretary Clarke defended the plan.", "Charles Clarke"),
        ("Charles Clarke's plan was attacked.", "Charles Clarke"),
        ("Clarke said the powers would be used rarely.", "Charles Clarke"),
        ("The Kremlin's spokesman spoke on Friday.", "the Kremlin"),
        ("Critics of the CDC were many.", "CDC"),
        ("The Port Elm zoo announced the birth of a cub.", "the Port Elm zoo"),
    ],
)
def test_a_speaker_is_named_by_surname_title_or_full_name(text: str, speaker: str) -> None:
    article = f"{speaker} spoke on Monday. {text}"
    assert names_speaker(text, speaker, article)


def test_a_surname_alone_is_the_speaker_only_where_the_article_gives_the_full_name() -> None:
    text = "Johnson had told ministers he was determined to fight on."
    assert names_speaker(text, "Boris Johnson", f"Boris Johnson faces a vote. {text}")
    # "What did Van Johnson say about determination?" over the RealTime QA pages.
    assert not names_speaker(text, "Van Johnson", f"Boris Johnson faces a vote. {text}")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # Over the BBC articles these answered "What did Charles Clarke say about sprinters?"
        # and "What did Burt Reynolds say about executive?".
        ("There was also recognition for James Clarke, chairman of the race.", "Charles Clarke"),
        ("Charles A Blixt, executive of RJ Reynolds Tobacco, said so.", "Burt Reynolds"),
        ("Brittney Griner at a Russian court Monday.", "the Kremlin"),
    ],
)
def test_someone_else_of_the_same_surname_is_not_the_speaker(text: str, speaker: str) -> None:
    assert not names_speaker(text, speaker, f"{speaker} was there. {text}")
