"""Each supported format, ids and determinism."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from retrieval.ingest import read_articles
from retrieval.models import stable_id

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_markdown_splits_at_top_headings_and_strips_syntax() -> None:
    bridge, library = read_articles(DATA / "two_stories.md")
    assert bridge.title == "Harbour bridge reopens after repairs"
    assert library.title == "Library extends weekend opening hours"
    assert bridge.dateline == "PORTSMOUTH"
    paragraphs = bridge.text.split("\n\n")
    assert paragraphs[0] == (
        "The harbour bridge reopened to traffic on Monday after six months of repairs, "
        "the city council said."
    )
    assert "• Cyclists get a new protected lane" in paragraphs
    assert '"It is as good as new," said council leader Ann Baker.' in paragraphs
    assert "What comes next" in paragraphs
    for syntax in ("#", "**", "](", "![", "`", "> "):
        assert syntax not in bridge.text
    assert "_" not in library.title


def test_bbc_style_text_takes_its_first_line_as_headline() -> None:
    (article,) = read_articles(DATA / "bbc_style.txt")
    assert article.title == "Chip maker lifts profit forecast"
    assert article.text.startswith("A European chip maker has raised")
    assert article.title not in article.text
    assert article.source is None


def test_html_page_gives_main_text_and_metadata() -> None:
    (article,) = read_articles(DATA / "page.html")
    assert article.title == "Wind farm approved off the coast"
    assert article.source == "Example Times"
    assert article.published == "2024-05-02"
    assert article.author == "Priya Shah"
    assert article.url == "https://example-times.test/energy/wind-farm-approved"
    assert article.dateline == "ABERDEEN"
    assert article.text.startswith("Ministers approved a 1.2 gigawatt offshore wind farm")
    assert "seabird colonies" in article.text
    for boilerplate in ("Home", "Most read", "Celebrity chef", "All rights reserved", "Cookie"):
        assert boilerplate not in article.text


def test_json_list_maps_every_accepted_field() -> None:
    strike, fares = read_articles(DATA / "records.json")
    assert strike.title == "Port strike ends after pay deal"
    assert strike.url == "https://www.reuters.com/world/port-strike-ends/"
    assert strike.article_id == stable_id("url", "https://www.reuters.com/world/port-strike-ends")
    assert strike.source == "Reuters"  # from the URL's domain
    assert strike.author == "Jan de Vries, Maria Lopez"
    assert strike.published == "2024-03-08"
    assert strike.dateline == "ROTTERDAM"
    assert strike.text.startswith("Dock workers ended a four-day strike")
    assert fares.title == "Rail fares to rise in January"
    assert fares.source == "Example Post"
    assert fares.published == "2024-11-12"
    assert fares.url is None


def test_jsonl_records_are_cleaned_and_titles_lose_outlet_suffixes() -> None:
    storm, museum = read_articles(DATA / "records.jsonl")
    assert storm.title == "Storm closes schools"
    assert storm.source == "CNN"
    assert storm.published == "2024-01-10"
    assert storm.text == (
        "Schools across the region closed on Wednesday as a storm brought heavy snow.\n\n"
        "Forecasters expect the snow to ease by Thursday."
    )
    assert museum.text == "A museum returned a painting stolen in 1978 to its owners, police said."
    assert museum.source == "Example Times"
    assert museum.author == "Sam Reed"
    assert museum.origin.endswith("records.jsonl#2")


def test_single_json_object_and_search_result_containers(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"title": "Solo", "body": "Only one story here."}))
    assert [a.title for a in read_articles(single)] == ["Solo"]

    pages = tmp_path / "pages.jsonl"
    record = {
        "question_id": "q1",
        "search_result": [
            {"url": "https://www.cnn.com/a", "title": "Link only"},
            {"url": "https://www.cnn.com/b", "title": "Full - CNN", "text": "A real story."},
            {"url": "https://www.cnn.com/b/", "title": "Full again", "text": "Same page."},
        ],
    }
    pages.write_text(json.dumps(record) + "\n" + json.dumps({"search_result": []}) + "\n")
    (article,) = read_articles(pages)  # link stubs skipped, the repeated URL kept once
    assert (article.title, article.source, article.text) == ("Full", "CNN", "A real story.")


def test_wire_credits_and_links_to_other_stories_leave_the_text(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    bodies = [
        "(CNN) Lyft has agreed to a $25 million settlement.\nRead this:Uber drivers strike",
        "USA TODAY\n\nHong Kong (CNN Business)Shares fell on Monday.",
        "Critics (AP) said the plan was late.",
    ]
    pages.write_text(
        "".join(json.dumps({"title": f"T{i}", "body": b}) + "\n" for i, b in enumerate(bodies))
    )
    lyft, shares, critics = read_articles(pages)
    assert (lyft.dateline, lyft.text) == (None, "Lyft has agreed to a $25 million settlement.")
    assert (shares.dateline, shares.text) == ("Hong Kong", "Shares fell on Monday.")
    assert (critics.dateline, critics.text) == (None, "Critics (AP) said the plan was late.")


def test_id_uses_path_and_title_without_url_and_ordinal_for_repeats(tmp_path: Path) -> None:
    path = tmp_path / "dupes.jsonl"
    lines = [
        {"title": "Same headline", "text": "First story."},
        {"title": "Same headline", "text": "Second story."},
        {"title": "Unique  Headline", "text": "Third story."},
        {"text": "No headline at all. It has a body."},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    articles = read_articles(path)
    resolved = str(path.resolve())
    assert [a.article_id for a in articles] == [
        stable_id(resolved, "same headline", "1"),
        stable_id(resolved, "same headline", "2"),
        stable_id(resolved, "unique headline"),
        stable_id(resolved, "no headline at all", "4"),
    ]
    assert articles[3].title == "No headline at all"


def test_reading_twice_gives_equal_articles() -> None:
    for path in [*sorted(DATA.iterdir()), *sorted(SEEDS.iterdir())]:
        assert read_articles(path) == read_articles(path), path


def test_ids_do_not_depend_on_how_the_path_is_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "page.txt"
    shutil.copy(SEEDS / "000_9e7828ac00c6cfad.txt", copy)
    monkeypatch.chdir(tmp_path)
    relative = [a.article_id for a in read_articles("page.txt")]
    absolute = [a.article_id for a in read_articles(copy)]
    assert relative == absolute


def test_invalid_utf8_can_be_read_with_replace(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"Club fined\n\nThe club was fined \xa315.8m on Monday.\n")
    (article,) = read_articles(path, errors="replace")
    assert article.text == "The club was fined £15.8m on Monday."


def test_many_plain_files_parse_quickly(tmp_path: Path) -> None:
    body = "\n\n".join(
        f"Paragraph {i} says the council met on Tuesday to discuss the budget for next year."
        for i in range(12)
    )
    paths = []
    for i in range(300):
        path = tmp_path / f"{i:03d}.txt"
        path.write_text(f"Headline number {i}\n\n{body}\n")
        paths.append(path)
    start = time.perf_counter()
    total = sum(len(read_articles(p)) for p in paths)
    elapsed = time.perf_counter() - start
    assert total == 300
    assert elapsed < 3.0, f"{elapsed:.2f}s for 300 files"


def test_markdown_front_matter_gives_the_metadata(tmp_path: Path) -> None:
    path = tmp_path / "strike.md"
    path.write_text(
        '---\ntitle: "Harbor strike ends after three weeks"\ndate: 2025-03-03\n'
        "source: Elm Gazette\nurl: https://example.com/strike\ntags:\n  - ports\n---\n\n"
        "Dock workers in Port Elm ended a three-week strike on Monday, union leader Sam Ortiz "
        "said.\n",
        encoding="utf-8",
    )
    [article] = read_articles(path)
    assert article.title == "Harbor strike ends after three weeks"
    assert (article.published, article.source) == ("2025-03-03", "Elm Gazette")
    assert article.url == "https://example.com/strike"
    assert article.text.startswith("Dock workers in Port Elm")


def test_a_rule_at_the_top_of_a_file_is_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "---\nThe council met on Monday and approved the harbour budget.\n---\n\n"
        "Work starts in June, the mayor said.\n",
        encoding="utf-8",
    )
    [article] = read_articles(path)
    assert "approved the harbour budget" in article.title + article.text
