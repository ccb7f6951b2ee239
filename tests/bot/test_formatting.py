"""Answer, list and quote formatting and the HTML splitter: valid Telegram HTML, never over
the limit."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from itertools import pairwise

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.formatting import (
    MESSAGE_LIMIT,
    format_answer,
    format_help,
    format_sources_page,
    format_stats,
    split_html,
    utf16_len,
)
from bot.quote_replies import format_quotes_page, format_speakers
from retrieval.models import Answer, ArticleInfo, Citation, IndexStats
from retrieval.quotes import Quote

_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class _Checker(HTMLParser):
    """Collects text and checks that tags nest and close properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_part(part: str, limit: int) -> str:
    """Assert `part` is a valid message; return its visible text."""
    assert part.strip(), "empty part"
    assert utf16_len(part) <= limit, f"part of {utf16_len(part)} > {limit}"
    # every '&' starts a complete character reference; every '<' starts a whole tag
    for match in re.finditer("&", part):
        assert _ENTITY_RE.match(part, match.start()), (
            f"broken entity at {part[match.start() :][:12]!r}"
        )
    assert re.fullmatch(r"(?:[^<>]|<[^<>]*>)*", part, re.DOTALL), "broken tag"
    checker = _Checker()
    checker.feed(part)
    checker.close()
    assert not checker.errors, checker.errors
    assert not checker.stack, f"unclosed tags {checker.stack}"
    return "".join(checker.text)


def visible_text(markup: str) -> str:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    return "".join(checker.text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def citation(n: int, *, quote: str = "A quoted sentence.", **fields: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "article_id": f"a{n}",
        "title": f"Headline {n}",
        "source": "Arab News",
        "published": "2024-06-24",
        "url": f"https://example.com/{n}?a=1&b=2",
        "quote": quote,
        "score": 0.5,
    }
    values.update(fields)
    return Citation(**values)  # type: ignore[arg-type]


def test_answer_has_text_then_numbered_sources_with_links() -> None:
    answer = Answer(
        "What did Putin say?",
        "Putin said it would be a “very big mistake.” [1] Kim called Russia <friends> & allies [2]",
        True,
        (
            citation(1, title="Pact & stakes", quote="He warned it would be a “very big mistake.”"),
            citation(2, source=None, published=None, url=None, also_reported_by=("AP", "FT")),
        ),
    )
    [message] = format_answer(answer, with_passages=False)
    assert message.startswith("Putin said it would be a “very big mistake.” [1]")
    assert "&lt;friends&gt; &amp; allies [2]" in message
    assert "<b>Sources</b>\n[1] " in message
    assert '<a href="https://example.com/1?a=1&amp;b=2">Pact &amp; stakes</a>' in message
    assert "— Arab News, 2024-06-24" in message
    assert "[2] Headline 2 (also reported by AP, FT)" in message
    assert "blockquote" not in message
    check_part(message, MESSAGE_LIMIT)

    [with_quotes] = format_answer(answer, with_passages=True)
    assert "<blockquote>He warned it would be a “very big mistake.”</blockquote>" in with_quotes
    check_part(with_quotes, MESSAGE_LIMIT)


def test_unsafe_links_are_left_out() -> None:
    answer = Answer("q", "Text [1]", True, (citation(1, url="javascript:alert(1)"),))
    [message] = format_answer(answer, with_passages=False)
    assert "href" not in message
    assert "Headline 1" in message


def test_not_found_answer_is_just_the_text() -> None:
    answer = Answer("Who won?", "I couldn't find that in the indexed articles.", False)
    assert format_answer(answer, with_passages=True) == [
        "I couldn't find that in the indexed articles."
    ]


def test_long_answer_splits_into_valid_parts_at_paragraphs() -> None:
    sentences = [f"Sentence number {i} says <something> & more about it [1]." for i in range(120)]
    text = "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, 120, 6))
    answer = Answer(
        "q",
        text,
        True,
        tuple(citation(n, quote="Quote " * 60 + f"number {n}.") for n in range(1, 6)),
    )
    for with_passages in (False, True):
        parts = format_answer(answer, with_passages=with_passages)
        assert len(parts) >= 2
        texts = [check_part(part, MESSAGE_LIMIT) for part in parts]
        whole = visible_text(format_answer(answer, with_passages=with_passages, limit=10**9)[0])
        assert squash("".join(texts)) == squash(whole)
        # paragraphs survive intact: every part ends at a paragraph or line boundary
        for part in parts[:-1]:
            assert part.rstrip().endswith(("].", "</blockquote>", "2024-06-24")), part[-40:]


def test_one_huge_paragraph_splits_at_sentences_and_keeps_tags_valid() -> None:
    sentence = "This is a sentence with <b>bold &amp; brave</b> words. "
    markup = "<blockquote>" + sentence * 200 + "</blockquote>"
    parts = split_html(markup, 500)
    assert len(parts) > 1
    for part in parts:
        check_part(part, 500)
        assert part.startswith("<blockquote>") and part.endswith("</blockquote>")
        assert part.removesuffix("</blockquote>").rstrip().endswith(".")  # a sentence end
    assert squash("".join(visible_text(p) for p in parts)) == squash(visible_text(markup))


def test_a_word_longer_than_the_limit_is_cut_between_characters() -> None:
    markup = "<i>" + "x" * 250 + "&amp;" + "y" * 250 + "</i>"
    parts = split_html(markup, 100)
    for part in parts:
        check_part(part, 100)
    assert "".join(visible_text(p) for p in parts) == "x" * 250 + "&" + "y" * 250


def test_emoji_count_twice_towards_the_limit() -> None:
    parts = split_html("😀 " * 100, 50)
    assert all(utf16_len(p) <= 50 for p in parts)
    assert sum(p.count("😀") for p in parts) == 100


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_html("  <b>hi</b>\n") == ["<b>hi</b>"]
    assert split_html(" \n ") == []


def test_sources_pages_hold_ten_articles_newest_first() -> None:
    infos = [
        ArticleInfo(f"id{i}", f"Story <{i}>", "FT", f"2024-06-{i + 1:02d}", None, 3)
        for i in range(25)
    ]
    text, page, pages = format_sources_page(infos, 1)
    assert (page, pages) == (1, 3)
    assert "1. Story &lt;24&gt; — FT, 2024-06-25" in text
    assert text.count("\n") == 10
    text, page, pages = format_sources_page(infos, 99)
    assert page == 3 and "21. Story &lt;4&gt;" in text and text.count("\n") == 5
    assert format_sources_page([], 1)[0] == "No articles are indexed yet."


def test_sources_pages_with_long_links_fit_a_message_and_skip_no_article() -> None:
    infos = [
        ArticleInfo(f"id{i}", f"Story {i}", "CNN", f"2024-06-{i + 1:02d}", _long_url(i), 3)
        for i in range(25)
    ]
    shown: list[str] = []
    page, pages = 0, 1
    while page < pages:
        text, page, pages = format_sources_page(infos, page + 1)
        check_part(text, MESSAGE_LIMIT)
        shown += re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)
    assert shown == [str(n) for n in range(1, 26)]
    assert pages > 3  # a page of ten such links would not fit


def _long_url(i: int) -> str:
    return f"https://example.com/{i}/" + "a" * 580


def test_stats_name_the_biggest_outlets_and_count_the_rest() -> None:
    outlets = tuple(f"Outlet number {i}" for i in range(400))
    text = format_stats(IndexStats(articles=900, chunks=5000, sources=outlets, latest=None))
    check_part(text, MESSAGE_LIMIT)
    assert "Outlet number 0," in text and "Outlet number 399" not in text
    assert "and 370 more" in text


def test_stats_and_help_describe_the_index() -> None:
    stats = IndexStats(articles=7, chunks=40, sources=("AP", "FT & Co"), latest="2024-06-24")
    text = format_stats(stats)
    assert "Articles: 7" in text and "Passages: 40" in text and "FT &amp; Co" in text
    check_part(text, MESSAGE_LIMIT)
    private = format_help(stats, private=True, bot_username="nb_bot")
    assert "<b>7</b> indexed news articles from AP, FT &amp; Co (latest: 2024-06-24)" in private
    group = format_help(stats, private=False, bot_username="nb_bot")
    assert "/ask" in group and "@nb_bot" in group
    empty = format_help(IndexStats(0, 0, (), None), private=True, bot_username=None)
    assert "No articles are indexed yet" in empty


# --------------------------------------------------------------------------- properties

_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc xyz.!?\n<>&\"'[]0123")),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(
    text=_text,
    quotes=st.lists(_text, min_size=1, max_size=4),
    titles=st.lists(st.text(max_size=40), min_size=4, max_size=4),
    limit=st.integers(min_value=120, max_value=600),
    with_passages=st.booleans(),
)
def test_any_answer_formats_into_valid_parts_without_losing_text(
    text: str, quotes: list[str], titles: list[str], limit: int, with_passages: bool
) -> None:
    answer = Answer(
        "q",
        text,
        bool(text.strip()),
        tuple(
            citation(n, quote=quote, title=titles[n - 1], url="https://e.com/x")
            for n, quote in enumerate(quotes, start=1)
        ),
    )
    parts = format_answer(answer, with_passages=with_passages, limit=limit)
    texts = [check_part(part, limit) for part in parts]
    expected = format_answer(answer, with_passages=with_passages, limit=10**9)
    assert squash("".join(texts)) == squash("".join(visible_text(p) for p in expected))
    if answer.found and with_passages:
        for quote in quotes:
            assert squash(quote) in squash("".join(texts))


@settings(max_examples=150, deadline=None)
@given(
    chunks=st.lists(
        st.tuples(st.sampled_from(["", "b", "i", "blockquote", "a"]), _text), max_size=12
    ),
    separators=st.lists(st.sampled_from([" ", "\n", "\n\n", ""]), min_size=12, max_size=12),
    limit=st.integers(min_value=60, max_value=400),
)
# Found by this test: the cut fell at the quote's last space, and the next part reopened the
# quote only to close it, leaving no room for the link after it.
@example(
    chunks=[("blockquote", "0" * 21 + "\U00010000" * 7 + " "), ("a", "0")],
    separators=[" "] * 12,
    limit=60,
)
def test_split_html_keeps_every_part_valid(
    chunks: list[tuple[str, str]], separators: list[str], limit: int
) -> None:
    pieces = []
    for (tag, raw), sep in zip(chunks, separators, strict=False):
        body = html.escape(raw, quote=False)
        if tag == "a":
            pieces.append(f'<a href="https://e.com/?q=1&amp;r=2">{body}</a>')
        elif tag:
            pieces.append(f"<{tag}>{body}</{tag}>")
        else:
            pieces.append(body)
        pieces.append(sep)
    markup = "".join(pieces)
    parts = split_html(markup, limit)
    texts = [check_part(part, limit) for part in parts]
    assert squash("".join(texts)) == squash(visible_text(markup))


def _quote(speaker: str, sentence: str, url: str | None = None) -> Quote:
    return Quote(speaker, sentence, True, "a1", "Pact <signed>", "Gazette", "2024-06-20", 0, 9, url)


def test_quotes_reply_names_each_speaker_only_when_there_are_several() -> None:
    one = format_quotes_page("putin", "Korea", [_quote("Vladimir Putin", "“A & B,” Putin said.")])
    assert one.text == (
        "<b>What Vladimir Putin said</b> about Korea (1 statement, newest first)\n\n"
        "1. “A &amp; B,” Putin said.\n— Pact &lt;signed&gt;, Gazette, 2024-06-20"
    )
    assert not one.has_newer and not one.has_older
    kims = [
        _quote("Kim Jong Un", "Kim Jong Un said so.", "https://example.com/a?x=1&y=2"),
        _quote("Kim Yo Jong", "Kim Yo Jong said no."),
    ]
    text = format_quotes_page("Kim", None, kims).text
    assert text.startswith("<b>What Kim said</b> (2 statements, newest first)")
    assert "1. <b>Kim Jong Un:</b> Kim Jong Un said so." in text
    assert '<a href="https://example.com/a?x=1&amp;y=2">Pact &lt;signed&gt;</a>' in text
    assert check_part(text, MESSAGE_LIMIT).startswith("What Kim said")


def test_quotes_pages_of_long_statements_fit_a_message_and_leave_none_out() -> None:
    many = [
        _quote("Vladimir Putin", f"Putin said {i} " + "very " * 90 + "much.", "https://e.com/")
        for i in range(40)
    ]
    pages = [format_quotes_page("Putin", None, many)]
    while pages[-1].has_older:
        pages.append(format_quotes_page("Putin", None, many, start=pages[-1].end))
    assert all(check_part(page.text, MESSAGE_LIMIT) for page in pages)
    assert 1 < pages[0].end < 10  # ten would not fit one message
    assert all(after.start == before.end for before, after in pairwise(pages))
    shown = "".join(page.text for page in pages)
    assert all(shown.count(f"Putin said {i} very") == 1 for i in range(40))
    assert pages[-1].end == 40 and all(p.total == 40 for p in pages)
    # Back from the last page: the page ends where the last one began, with no gap.
    newer = format_quotes_page("Putin", None, many, end=pages[-1].start)
    assert newer.end == pages[-1].start and newer.start < newer.end
    assert check_part(newer.text, MESSAGE_LIMIT)


def test_quotes_reply_says_which_statements_of_how_many() -> None:
    found = [_quote("Vladimir Putin", f"Putin said {i}.") for i in range(23)]
    first = format_quotes_page("Putin", None, found)
    assert first.text.startswith("<b>What Vladimir Putin said</b> (the newest 10 of 23 statements)")
    assert first.text.endswith("<code>/quotes Putin about …</code>")
    assert (first.start, first.end, first.has_newer, first.has_older) == (0, 10, False, True)
    second = format_quotes_page("Putin", None, found, start=10)
    assert "(statements 11–20 of 23, newest first)" in second.text
    assert "\n\n11. Putin said 10." in second.text and "21." not in second.text
    assert second.has_newer and second.has_older
    last = format_quotes_page("Putin", None, found, start=20)
    assert (last.start, last.end, last.has_older) == (20, 23, False)
    narrowed = format_quotes_page("Putin", "Korea", found)
    assert "of 23" in narrowed.text and "Add a topic" not in narrowed.text
    whole = format_quotes_page("Putin", None, found[:10])
    assert "(10 statements, newest first)" in whole.text and "Add a topic" not in whole.text
    nobody = format_quotes_page("Nobody", "cheese", [])
    assert nobody.text.startswith("I found no statements by <b>Nobody</b> about cheese")
    assert not nobody.has_older


def test_speakers_list_escapes_names_and_says_how_to_ask() -> None:
    text = format_speakers([("Vladimir Putin", 1200), ("A <b> C", 3)])
    assert "1. Vladimir Putin (1,200)\n2. A &lt;b&gt; C (3)" in text
    assert "/quotes Putin about South Korea" in text
    assert format_speakers([]) == "No one is quoted in the indexed articles yet."
