"""`read_articles`: one file of any supported format to its cleaned articles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from retrieval.errors import NoArticlesError, PathNotFoundError, UnsupportedFileError
from retrieval.ingest.building import build_articles
from retrieval.ingest.decoding import Errors, decode, decode_html, read_bytes
from retrieval.ingest.raw import RawArticle
from retrieval.ingest.records import parse_json, parse_jsonl
from retrieval.ingest.splitting import split_text
from retrieval.ingest.webpage import parse_html
from retrieval.models import Article

logger = logging.getLogger(__name__)

_TEXT_PARSERS: dict[str, Callable[[Path, str], list[RawArticle]]] = {
    ".txt": lambda _path, text: split_text(text),
    ".md": lambda _path, text: split_text(text),
    ".markdown": lambda _path, text: split_text(text),
    ".json": parse_json,
    ".jsonl": parse_jsonl,
}
_HTML_SUFFIXES = frozenset({".html", ".htm"})


def read_articles(path: str | Path, *, errors: Errors = "strict") -> list[Article]:
    """The articles in one file, cleaned, in file order; reading it again gives equal ones.

    `errors="replace"` reads a file that is not valid UTF-8 anyway (see `decoding.decode`).
    Raises an `InputError` subclass for input it cannot use: PathNotFoundError,
    UnsupportedFileError, UnreadableFileError, EmptyFileError, BinaryFileError, DecodeError,
    BadRecordError (a JSON record without text, naming the record and the accepted fields),
    NoArticlesError (nothing but boilerplate).
    """
    path = Path(path)
    if not path.exists():
        raise PathNotFoundError(path)
    suffix = path.suffix.lower()
    if suffix not in _TEXT_PARSERS and suffix not in _HTML_SUFFIXES:
        raise UnsupportedFileError(path, path.suffix)
    data = read_bytes(path)
    if suffix in _HTML_SUFFIXES:
        raws = parse_html(path, decode_html(path, data, errors=errors))
    else:
        raws = _TEXT_PARSERS[suffix](path, decode(path, data, errors=errors))
    articles = build_articles(path, raws)
    if not articles:
        raise NoArticlesError(path, records=suffix in (".json", ".jsonl"))
    logger.debug("%s: %d article(s)", path, len(articles))
    return articles
