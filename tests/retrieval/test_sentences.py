"""Sentence boundaries on news prose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.sentences import sentence_spans, split_sentences


def test_quotes_abbreviations_and_initials_do_not_split() -> None:
    text = (
        "Mr. Smith met Dr. Jones in the U.S. on Monday. John F. Kennedy was there. "
        "“We will go to the end,” Putin said. He added: “Let them think about it.”"
    )
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "John F. Kennedy was there.",
        "“We will go to the end,” Putin said.",
        "He added: “Let them think about it.”",
    ]


def test_line_breaks_end_sentences() -> None:
    assert split_sentences("A landmark pact\nThe new agreement was signed.") == [
        "A landmark pact",
        "The new agreement was signed.",
    ]


@given(st.text())
def test_spans_are_exact_ordered_and_stripped(text: str) -> None:
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Savings will top $375m. As part of the plan, it cut costs.", 2),
        ("He died of Alzheimer's. The 71-year-old served in Ulster.", 2),
        ("Pythons have lived there since the 1980s. They threaten native animals.", 2),
        ("John F. Kennedy was shot. It was 1963.", 2),
        ("It was signed by J. Smith and others.", 1),
    ],
)
def test_a_lone_letter_ends_a_sentence_unless_it_is_an_initial(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("The U.S. said no. Then it agreed.", 2),
        ("He lives at No. 10 Downing Street. It is old.", 2),
        ("Items Nos. 3 and 4 were sold.", 1),
    ],
)
def test_no_is_a_number_sign_only_before_a_number(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count
