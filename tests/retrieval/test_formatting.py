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


def test_sources_do_not_repeat_the_sentences_the_answer_already_reads() -> None:
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
        "[2] Untitled article",
        "    https://example.com/k",
    ]


def test_a_passage_the_answer_does_not_read_is_shown_indented() -> None:
    # An Answer built by a library user may cite more than its text reads.
    pact = _citation(1, "Russia raises the stakes", f"Putin spoke. … {SAID}")
    answer = Answer("What did Putin say?", "Putin spoke. [1]", True, (pact,))
    lines = format_answer_text(answer).splitlines()
    assert lines[lines.index("Sources:") + 1 :] == [
        "[1] Russia raises the stakes",
        f"    Putin spoke. … {SAID}",
    ]


def test_a_statement_from_an_untitled_article_still_names_something() -> None:
    quote = Quote("Gordon Brown", "He froze fuel duty.", False, "a1", "", "BBC News", None, 0, 19)
    assert format_quotes_text([quote]).splitlines() == [
        "Gordon Brown:",
        "  He froze fuel duty.",
        "  — Untitled article (BBC News)",
    ]
