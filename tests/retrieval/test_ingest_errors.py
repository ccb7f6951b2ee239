"""Bad input: each problem raises its own `InputError` with a one-line message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from retrieval.errors import (
    BadRecordError,
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    InputError,
    NoArticlesError,
    PathNotFoundError,
    UnreadableFileError,
    UnsupportedFileError,
)
from retrieval.ingest import read_articles

NAV_ONLY_PAGE = (
    "<html><head><title>Example Times</title></head><body><header><nav><a href='/'>Home</a> "
    "<a href='/world'>World</a> <a href='/business'>Business</a></nav></header><footer>"
    "<p><a href='/privacy'>Privacy policy</a> | <a href='/cookies'>Cookie settings</a></p>"
    "</footer></body></html>"
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _check_message(err: InputError, path: Path) -> None:
    message = str(err)
    assert "\n" not in message
    assert str(path) in message
    assert err.exit_code == 2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PathNotFoundError) as err:
        read_articles(tmp_path / "nope.txt")
    _check_message(err.value, tmp_path / "nope.txt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path, "story.pdf", "text")
    with pytest.raises(UnsupportedFileError, match=r"'\.pdf'"):
        read_articles(path)


@pytest.mark.parametrize("content", ["", "   \n\n\t  \n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "empty.txt", content)
    with pytest.raises(EmptyFileError) as err:
        read_articles(path)
    _check_message(err.value, path)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"looks like text\x00but has a NUL",
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 20 + b"some words",
    ],
)
def test_binary_file_with_text_suffix(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, "photo.txt", data)
    with pytest.raises(BinaryFileError) as err:
        read_articles(path, errors="replace")
    _check_message(err.value, path)


def test_binary_html(tmp_path: Path) -> None:
    with pytest.raises(BinaryFileError):
        read_articles(_write(tmp_path, "page.html", b"\x00\x01<html>\x00"))


def test_invalid_utf8_names_the_byte_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin.txt", b"Headline\n\nPrice: \xa3100 today.\n")
    with pytest.raises(DecodeError, match=r"byte 0xa3 on line 3") as err:
        read_articles(path)
    _check_message(err.value, path)


def test_utf16_with_bom_is_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "wide.txt", "Headline\n\nA story in UTF-16.\n".encode("utf-16"))
    (article,) = read_articles(path)
    assert (article.title, article.text) == ("Headline", "A story in UTF-16.")


def test_json_record_without_body_names_record_and_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.json", json.dumps([{"text": "ok"}, {"title": "No body"}]))
    with pytest.raises(BadRecordError) as err:
        read_articles(path)
    message = str(err.value)
    assert f"{path} record 2" in message
    for field in ("body", "text", "content", "title", "published_at"):
        assert field in message
    _check_message(err.value, path)


def test_jsonl_record_without_body_names_the_line(tmp_path: Path) -> None:
    lines = [json.dumps({"body": "fine"}), "", json.dumps({"headline": "x", "url": "u"})]
    path = _write(tmp_path, "feed.jsonl", "\n".join(lines))
    with pytest.raises(BadRecordError, match=r"feed\.jsonl line 3: the record has no article"):
        read_articles(path)


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("bad.jsonl", '{"body": "ok"}\n{"body": ', r"line 2: not valid JSON"),
        ("bad.json", "[1, 2", r"not valid JSON"),
        ("deep.json", "[" * 100_000, r"not valid JSON"),
        ("scalar.json", "42", r"expected a JSON object, found a number"),
        ("strings.jsonl", '"just a string"', r"line 1: expected a JSON object, found a string"),
        ("empty-body.json", '{"text": "   "}', r"the 'text' field is empty"),
        ("typed-body.json", '{"body": {"a": 1}}', r"the 'body' field must be text"),
    ],
)
def test_malformed_json(tmp_path: Path, name: str, content: str, pattern: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(BadRecordError, match=pattern) as err:
        read_articles(path)
    _check_message(err.value, path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("promo.txt", "Unlock the Editor’s Digest without cost\nShort Url\nFollow\n———\n"),
        ("ads.json", json.dumps({"text": "1. How relevant is this ad to you?\n\nRead More"})),
        ("empty-list.json", "[]"),
        ("nothing.html", NAV_ONLY_PAGE),
    ],
)
def test_only_boilerplate_is_no_articles(tmp_path: Path, name: str, content: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(NoArticlesError) as err:
        read_articles(path)
    _check_message(err.value, path)


def test_folder_given_as_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(UnreadableFileError, match="it is a folder"):
        read_articles(folder)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", "Headline\n\nBody.")
    path.chmod(0)
    try:
        with pytest.raises(UnreadableFileError):
            read_articles(path)
    finally:
        path.chmod(0o600)


_PRICES = (
    "<p>Prices at the Oakdale market rose to \u00a35 a kilo on Monday, traders said, blaming the "
    "long drought.</p><p>Farmers said the harvest was the smallest in twenty years.</p>"
)


def _page(meta: str) -> str:
    return (
        f"<html><head>{meta}<title>Oakdale prices rise</title></head><body><article>"
        f"<h1>Oakdale prices rise</h1>{_PRICES}</article></body></html>"
    )


@pytest.mark.parametrize("meta", ['<meta charset="utf-8">', ""])
def test_a_page_that_is_not_the_utf8_it_claims_is_refused(tmp_path: Path, meta: str) -> None:
    path = tmp_path / "prices.html"
    path.write_bytes(_page(meta).encode("latin-1"))
    with pytest.raises(DecodeError, match="byte 0xa3"):
        read_articles(path)
    # Asked to, it reads the stray bytes as Windows-1252, as for text files.
    [article] = read_articles(path, errors="replace")
    assert "rose to \u00a35 a kilo" in article.text


def test_a_page_in_the_charset_it_declares_is_read_in_it(tmp_path: Path) -> None:
    path = tmp_path / "prices.html"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    path.write_bytes(_page(meta).encode("latin-1"))
    [article] = read_articles(path)
    assert "rose to \u00a35 a kilo" in article.text


def test_records_take_the_body_field_that_holds_text(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps({"title": "Harbour reopens", "body": "", "text": "The harbour reopened."}),
        encoding="utf-8",
    )
    [article] = read_articles(path)
    assert article.text == "The harbour reopened."


@pytest.mark.parametrize("content", ["[]", '{"articles": []}'])
def test_a_feed_without_records_says_so(tmp_path: Path, content: str) -> None:
    path = tmp_path / "feed.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NoArticlesError, match="no record with article text"):
        read_articles(path)
