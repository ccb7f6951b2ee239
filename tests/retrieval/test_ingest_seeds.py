"""The shipped seed files: a six-article Arab News page and a headline-less FT copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.ingest import read_articles
from retrieval.models import Article

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARAB_NEWS = SEEDS / "000_9e7828ac00c6cfad.txt"
FT_COPY = SEEDS / "003_cda5d995f85c3fd4.txt"

HEADLINES = [
    "With its new pact with North Korea, Russia raises the stakes with the West over Ukraine",
    "Ukrainian parliament approves new government, lawmaker says",
    "Man jailed in UK after releasing rats outside mosque",
    "French court overturns town’s burkini ban after woman threatened with fines",
    "Protester in UK threatened with arrest by armed police over Palestinian flag",
    "Magnitude 5.8 earthquake hits off Indonesia’s East Nusa Tenggara",
]


@pytest.fixture(scope="module")
def arab_news() -> list[Article]:
    return read_articles(ARAB_NEWS)


def test_page_splits_into_six_articles_with_their_headlines(arab_news: list[Article]) -> None:
    assert [a.title for a in arab_news] == HEADLINES


def test_updated_lines_give_dates_and_relative_ones_none(arab_news: list[Article]) -> None:
    assert [a.published for a in arab_news] == ["2024-06-24", None, None, None, None, "2025-07-17"]


def test_datelines_are_extracted_and_stripped(arab_news: list[Article]) -> None:
    assert [a.dateline for a in arab_news] == [
        "MOSCOW",
        "KYIV",
        "LONDON",
        "LONDON",
        "LONDON",
        "JAKARTA",
    ]
    assert "Behind the smiles, the balloons" in arab_news[0].text
    assert "MOSCOW:" not in arab_news[0].text
    assert arab_news[5].text.startswith("A magnitude 5.8 earthquake hit off")


def test_page_template_marks_the_outlet(arab_news: list[Article]) -> None:
    assert {a.source for a in arab_news} == {"Arab News"}


def test_page_chrome_and_captions_are_gone(arab_news: list[Article]) -> None:
    for article in arab_news:
        lines = article.text.split("\n")
        assert not {"Follow", "Short Url"} & set(lines)
        assert not any(re.match(r"Updated \d", line) for line in lines)
        assert "In this photo provided by the North Korean government" not in article.text
        assert "Protesters wave Palestinian flags" not in article.text


def test_headline_is_not_repeated_in_the_text(arab_news: list[Article]) -> None:
    for article in arab_news:
        assert article.title not in article.text


def test_standfirst_bullets_are_kept_as_their_own_paragraphs(arab_news: list[Article]) -> None:
    first = arab_news[0].text.split("\n\n")
    assert first[0] == (
        "• The new agreement with Pyongyang marked the strongest link between Moscow and "
        "Pyongyang since the end of the Cold War"
    )
    rats = arab_news[2].text.split("\n\n")
    assert rats[:2] == [
        "• Edmund Fowler caught on CCTV committing offense 4 times",
        "• Mosque manager: Community members ‘scared of further harassment’",
    ]


def test_articles_keep_their_whole_body(arab_news: list[Article]) -> None:
    assert arab_news[0].text.endswith("China remains North Korea’s largest economic partner.”")
    assert "Treading cautiously with China" in arab_news[0].text
    assert arab_news[3].text.endswith("using the religious garbs.")
    assert arab_news[5].text.endswith("There were no immediate reports of damage.")
    # No article swallowed the next one's headline.
    for article, next_title in zip(arab_news, HEADLINES[1:], strict=False):
        assert next_title not in article.text


def test_ids_and_origins_are_distinct(arab_news: list[Article]) -> None:
    assert len({a.article_id for a in arab_news}) == 6
    assert [a.origin for a in arab_news] == [f"{ARAB_NEWS}#{n}" for n in range(1, 7)]


def test_ft_copy_is_one_article_without_promo() -> None:
    (article,) = read_articles(FT_COPY)
    assert article.source == "Financial Times"
    assert "Digest" not in article.text
    assert "Editor of the FT" not in article.text
    assert article.text.startswith("Vladimir Putin and Kim Jong Un have signed")


def test_ft_copy_title_comes_from_its_first_sentence() -> None:
    (article,) = read_articles(FT_COPY)
    assert article.title.startswith("Vladimir Putin and Kim Jong Un have signed")
    assert len(article.title.split()) <= 12
