"""The words news copy uses for others: capitals for countries, one act in several words."""

from __future__ import annotations

from retrieval.lexical import terms
from retrieval.news_words import sentence_terms


def test_a_capital_covers_its_country_and_resigning_covers_stepping_down() -> None:
    assert set(terms("South Korea")) <= sentence_terms("Seoul protested on Monday.")
    assert set(terms("stepped down")) <= sentence_terms("Draghi resigned on Thursday.")
    assert set(terms("acquired")) <= sentence_terms("Disney bought Pixar in 2006.")


def test_a_step_is_not_a_resignation() -> None:
    assert "resign" not in sentence_terms("The deal is a step forward.")
