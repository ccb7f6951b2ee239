"""Property tests: arbitrary text never crashes cleaning or reading with anything unexpected."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.errors import InputError
from retrieval.ingest import clean_text, read_articles
from retrieval.models import Article

_pieces = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(
        [
            "\n",
            "\n\n",
            "Follow",
            "Short Url",
            "Updated 24 June 2024",
            "  • ",
            "# ",
            "MOSCOW: ",
            "**",
            "[x](",
            "Click here",
            "Hide Caption 1 of 2",
            "JUST WATCHED a Replay More Videos ... MUST WATCH a 01:02",
            '{"text": ',
            "}",
            "\x00",
            "\r",
            "\u2028",
        ]
    ),
    st.text(alphabet="ab *_[]()#-", min_size=1, max_size=5).map(lambda s: s * 4000),
)
texts = st.lists(_pieces, max_size=12).map("".join)

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(texts)
def test_clean_text_never_raises_and_is_stable(text: str) -> None:
    cleaned = clean_text(text)
    assert isinstance(cleaned, str)
    assert "\n\n\n" not in cleaned
    assert clean_text(cleaned) == cleaned


@_SETTINGS
@given(texts, st.sampled_from([".txt", ".md", ".json", ".jsonl", ".html"]))
def test_read_articles_raises_only_input_errors(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            articles = read_articles(path)
        except InputError:
            return
        assert articles
        for article in articles:
            assert isinstance(article, Article)
            assert article.text.strip()
            assert article.title.strip()
