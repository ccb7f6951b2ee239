"""Plain-text answers and statements as the terminal shows them."""

from __future__ import annotations

from retrieval.formatting import format_answer_text, format_quotes_text
from retrieval.models import Answer, Citation
from retrieval.quotes import Quote

SAID = "“If that happens, we will make decisions that will hardly please Seoul,” he said."


def _citation(n: int, title: str, quote: str, **meta: str) -> Citation:
    return Citation(
        n=n,
        article_id=f"a{n}",
        title=title,
        source=meta.get("source"),
        published=meta.get("published"),
        url=meta.get("url"),
        quote=quote,
        score=0.9,
    )


def test_an_answer_lists_each_source_with_its_passage_indented() -> None:
    pact = _citation(
        1, "Russia raises the stakes", SAID, source="Arab News", published="2024-06-24"
    )
    untitled = _citation(2, "  ", "Kim reiterated his support.", url="https://example.com/k")
    answer = Answer(
        "What did Putin say?", f"{SAID} [1] Kim reiterated his support. [2]", True, (pact, untitled)
    )
    lines = format_answer_text(answer).splitlines()
    sources = lines[lines.index("Sources:") + 1 :]
    assert sources == [
        "[1] Russia raises the stakes — Arab News, 2024-06-24",
        f"    {SAID}",
        "[2] Untitled article",
        "    https://example.com/k",
        "    Kim reiterated his support.",
    ]


def test_a_statement_from_an_untitled_article_still_names_something() -> None:
    quote = Quote("Gordon Brown", "He froze fuel duty.", False, "a1", "", "BBC News", None, 0, 19)
    assert format_quotes_text([quote]).splitlines() == [
        "Gordon Brown:",
        "  He froze fuel duty.",
        "  — Untitled article (BBC News)",
    ]
