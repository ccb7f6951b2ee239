"""The `newsbot` command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.cli import build_parser
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parents[2]


def _newsbot(
    data_dir: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "retrieval.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
    )


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli")
    result = _newsbot(data, "ingest", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert "7 new" in result.stdout
    return data


def test_ask_json_prints_exactly_one_object(cli_data: Path) -> None:
    result = _newsbot(cli_data, "ask", "--json", "What did Putin say about South Korea?")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["found"] is True and "very big mistake" in data["answer"]
    citation = data["citations"][0]
    assert citation["n"] == 1 and citation["source"] == "Arab News"
    assert isinstance(citation["score"], float)


def test_batch_answers_one_line_per_question(cli_data: Path) -> None:
    questions = (
        "Who was jailed for releasing rats outside a mosque?\n\nWho won the 2022 World Cup?\n"
    )
    result = _newsbot(cli_data, "ask", "--json", "--batch", "-", stdin=questions)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["found"] for a in answers] == [True, False]
    assert "Edmund Fowler" in answers[0]["answer"]
    assert answers[1]["answer"] == "I couldn't find that in the indexed articles."


def test_reingest_reports_unchanged(cli_data: Path) -> None:
    result = _newsbot(cli_data, "ingest", str(SEEDS))
    assert result.returncode == 0
    assert "0 new, 0 changed, 7 unchanged; chunks written: 0" in result.stdout


def test_sources_lists_articles(cli_data: Path) -> None:
    result = _newsbot(cli_data, "sources")
    assert result.returncode == 0
    assert "Man jailed in UK after releasing rats outside mosque" in result.stdout
    assert "7 articles" in result.stdout


def test_chat_answers_follow_up(cli_data: Path) -> None:
    result = _newsbot(
        cli_data,
        "chat",
        stdin="What did Putin say about South Korea?\nand what did Kim say?\nquit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "very big mistake" in " ".join(result.stdout.split())
    assert result.stdout.count("Sources:") == 2


def test_chat_lists_quotes_between_questions(cli_data: Path) -> None:
    result = _newsbot(
        cli_data,
        "chat",
        stdin="/quotes\n/quotes putin south korea\nWhat did Putin say about South Korea?\n"
        "/quotes Nobody Atall\nand what did Kim say?\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Most quoted:" in out and "Vladimir Putin" in out
    assert "very big mistake" in " ".join(out.split())
    assert "No statements by Nobody Atall in the indexed articles." in out
    # A /quotes line is not a question: the follow-up still refers to the Putin question.
    assert out.count("Sources:") == 2


def test_chat_commands_and_greetings_are_not_questions(cli_data: Path) -> None:
    result = _newsbot(
        cli_data,
        "chat",
        stdin="hi\nWhat did Putin say about South Korea?\nhelp\n/stats\n/sources\n/nope\n"
        "and what did Kim say?\n/quit\nWho won the 2022 World Cup?\n",
    )
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("> ")[1:]
    assert len(replies) == 8  # /quit left before the last question
    hi, putin, help_, stats, sources, nope, kim, _ = replies
    assert hi == help_ and "7 articles indexed" in hi and "/quotes Putin" in hi
    assert "Sources:" not in hi
    assert "very big mistake" in " ".join(putin.split())
    assert "articles: 7" in stats and "Arab News" in stats
    assert "Man jailed in UK after releasing rats outside mosque" in sources
    assert nope.startswith("There is no /nope command; the commands are /help")
    # The follow-up still refers to the Putin question, and the sources name the articles
    # without reading the answer's sentences a second time.
    said, sources = kim.split("Sources:")
    assert "Kim" in said and "very big mistake" not in kim
    assert "[1] " in sources and "Kim" not in sources.replace("Kim Jong Un", "")


def test_quotes_lists_who_is_quoted_and_what_they_said(cli_data: Path) -> None:
    listing = _newsbot(cli_data, "quotes", "-n", "3")
    assert listing.returncode == 0, listing.stderr
    rows = [line.split(maxsplit=1) for line in listing.stdout.splitlines()[1:-1]]
    assert len(rows) == 3 and rows[0][1] == "Vladimir Putin"  # most quoted in the seeds
    assert int(rows[0][0]) >= int(rows[1][0]) >= int(rows[2][0])

    said = _newsbot(cli_data, "quotes", "putin", "South Korea")
    assert said.returncode == 0, said.stderr
    assert "very big mistake" in " ".join(said.stdout.split())
    assert "Vladimir Putin" in said.stdout and "Arab News" in said.stdout
    first = _newsbot(cli_data, "quotes", "-n", "2", "Putin")
    assert first.stdout.count("Vladimir Putin") == 2
    assert first.stdout.rstrip().endswith("(the newest 2; -n 10 shows more, a topic narrows them)")
    assert "shows more" not in said.stdout
    nobody = _newsbot(cli_data, "quotes", "Nobody Atall")
    assert nobody.returncode == 0 and "No statements by Nobody Atall" in nobody.stdout
    # One argument reads as the chat's /quotes does: a name, then a topic.
    typed = _newsbot(cli_data, "quotes", "putin korea")
    assert typed.returncode == 0 and "very big mistake" in " ".join(typed.stdout.split())


def test_stats_counts_the_index(cli_data: Path) -> None:
    result = _newsbot(cli_data, "stats")
    assert result.returncode == 0, result.stderr
    assert "articles: 7" in result.stdout and "Arab News" in result.stdout


@pytest.mark.parametrize(
    ("words", "verbose"),
    [
        (["ask", "-v", "Who?"], True),
        (["-v", "ask", "Who?"], True),
        (["ask", "Who?"], False),
        (["quotes", "--verbose", "Putin"], True),
        (["stats", "-v"], True),
    ],
)
def test_verbose_goes_before_or_after_the_command(words: list[str], verbose: bool) -> None:
    assert build_parser().parse_args(words).verbose is verbose


def test_output_cut_short_by_a_pipe_is_not_an_error(cli_data: Path) -> None:
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(cli_data), "NEWSBOT_LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        f"{sys.executable} -m retrieval.cli quotes Putin | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},  # every line reaches the closed pipe
        cwd=ROOT,
        timeout=240,
    )
    assert result.stdout.startswith("Vladimir Putin")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("ask", ""), "question is empty"),
        (("ask", "x" * 10_000), "10,000 characters"),
        (("ingest", "/no/such/folder"), "no such file or folder"),
        (("quotes", " "), "speaker is empty"),
        (("quotes", "-n", "0", "Putin"), "-n must be at least 1"),
        (("ingest", str(ROOT / "tests" / "data" / "bad" / "empty.txt")), "the file is empty"),
        (("ask", "--json", "--batch", str(ROOT / "tests" / "data" / "bad")), "is a folder"),
        (("ask", "--json", "--batch", "-", "What did Kim say?"), "not both"),
        (("remove", "abc"), "too short for an article id"),
        (("remove", "0123456789"), "the index is empty"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    result = _newsbot(tmp_path, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("newsbot: error:")
    assert not (tmp_path / "chroma").exists() and not (tmp_path / "manifest.sqlite3").exists()


def test_bad_file_leaves_existing_index_untouched(cli_data: Path, tmp_path: Path) -> None:
    record = tmp_path / "bad.jsonl"
    record.write_text('{"title": "No body here"}\n', encoding="utf-8")
    result = _newsbot(cli_data, "ingest", str(record))
    assert result.returncode == 2
    assert "body" in result.stderr
    assert "7 articles" in _newsbot(cli_data, "sources").stdout


def test_skip_bad_leaves_out_the_files_it_cannot_read_and_names_them(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "Quillton opens its tram line\n\nThe first trams ran on the harbour line on Saturday.\n",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    data = tmp_path / "data"
    refused = _newsbot(data, "ingest", str(folder))
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "empty.txt" in line and "the file is empty" in line and "--skip-bad" in line
    assert not (data / "chroma").exists()

    result = _newsbot(data, "ingest", "--skip-bad", str(folder))
    assert result.returncode == 0, result.stderr
    assert "skipped:" in result.stderr and "empty.txt" in result.stderr
    assert "1 new" in result.stdout and "1 file(s) skipped" in result.stdout
    assert "Quillton" in _newsbot(data, "sources").stdout


def test_a_collection_of_another_program_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    from retrieval.store import make_client

    make_client(path=tmp_path / "chroma").create_collection("news")  # Chroma's own embedder
    result = _newsbot(tmp_path, "ask", "What did Putin say?")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "made by another program" in lines[0], result.stderr
    assert "NEWSBOT_COLLECTION" in lines[0]


def test_a_question_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_bytes("What did Putin say about South Korea for \u00a35?\n".encode("latin-1"))
    result = _newsbot(tmp_path / "data", "ask", "--json", "--batch", str(questions))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not valid UTF-8" in lines[0], result.stderr


def test_the_telegram_command_passes_its_options_on(tmp_path: Path) -> None:
    result = _newsbot(tmp_path, "telegram", "--help")
    assert result.returncode == 0
    assert "--no-seed" in result.stdout and "--data-dir" in result.stdout


def test_a_rewritten_document_replaces_what_it_held_and_remove_takes_an_id(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    story = tmp_path / "library.md"
    story.write_text(
        "# Library in Oakdale to close\n\nThe Oakdale public library will close in June, "
        "the council said on Monday.\n\n# Riverton approves a bridge\n\nRiverton council "
        "approved a new bridge over the river on Tuesday.\n",
        encoding="utf-8",
    )
    assert _newsbot(data, "ingest", str(story)).returncode == 0
    story.write_text(
        "# Oakdale library will shut\n\nThe Oakdale public library will close in June, "
        "the council said on Monday.\n",
        encoding="utf-8",
    )
    result = _newsbot(data, "ingest", str(story))
    assert result.returncode == 0, result.stderr
    assert "1 new, 0 changed, 0 unchanged, 2 removed" in result.stdout
    listed = _newsbot(data, "sources").stdout
    assert "Oakdale library will shut" in listed and "1 article\n" in listed + "\n"
    assert "Library in Oakdale to close" not in listed and "Riverton" not in listed
    short_id = listed.splitlines()[1].split()[0]
    removed = _newsbot(data, "remove", short_id)
    assert removed.returncode == 0 and "removed 1 article" in removed.stdout
    assert "the index is empty" in _newsbot(data, "sources").stdout


def test_a_folder_without_articles_is_an_error_and_skipped_files_are_named(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    empty = _newsbot(tmp_path / "data", "ingest", str(folder))
    assert empty.returncode == 2
    assert "no article files in" in empty.stderr
    assert "left out 1 file(s) of types newsbot does not read (.pdf 1)" in empty.stderr
    assert not (tmp_path / "data").exists()
