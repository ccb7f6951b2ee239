"""JSON and JSON Lines records to raw articles, by a fixed table of accepted field names."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from retrieval.errors import BadRecordError
from retrieval.ingest.outlets import outlet_from_text
from retrieval.ingest.raw import RawArticle

logger = logging.getLogger(__name__)

# The first field present wins.
BODY_FIELDS = ("body", "text", "content")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link")
SOURCE_FIELDS = ("source", "outlet")
AUTHOR_FIELDS = ("author", "authors")
DATE_FIELDS = ("published_at", "publish_date", "date", "published")
# A record without a body may hold a list of article records (a feed, a search result page);
# items there without text are link stubs and are skipped rather than refused.
CONTAINER_FIELDS = ("articles", "items", "results", "search_result", "records", "data")

_ACCEPTED = (
    f"give it a {'/'.join(BODY_FIELDS)} field (optional: {'/'.join(TITLE_FIELDS)}, "
    f"{'/'.join(URL_FIELDS)}, {'/'.join(SOURCE_FIELDS)}, {'/'.join(AUTHOR_FIELDS)}, "
    f"{'/'.join(DATE_FIELDS)})"
)


def parse_json(path: Path, text: str) -> list[RawArticle]:
    """A .json file: one record, a list of records, or a record holding a list of them."""
    value = _loads(text, str(path))
    if isinstance(value, list):
        return [
            raw
            for n, record in enumerate(value, start=1)
            for raw in _from_record(f"{path} record {n}", record)
        ]
    return list(_from_record(str(path), value))


def parse_jsonl(path: Path, text: str) -> list[RawArticle]:
    """A .jsonl file: one record per line; blank lines are allowed."""
    raws: list[RawArticle] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            where = f"{path} line {n}"
            raws.extend(_from_record(where, _loads(line, where)))
    return raws


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:  # JSONDecodeError is a ValueError
        detail = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise BadRecordError(
            where, f"not valid JSON ({detail}); fix it or save the text as .txt"
        ) from err


def _from_record(where: str, record: Any, *, nested: bool = False) -> Iterator[RawArticle]:
    if not isinstance(record, Mapping):
        raise BadRecordError(where, f"expected a JSON object, found {_kind(record)}; {_ACCEPTED}")
    # {"body": "", "text": "…"}: the field that holds text, not merely the first one present.
    body_field = next(
        (f for f in BODY_FIELDS if isinstance(record.get(f), str) and record[f].strip()),
        _first_field(record, BODY_FIELDS),
    )
    if body_field is None:
        container = next((f for f in CONTAINER_FIELDS if isinstance(record.get(f), list)), None)
        if container is None or nested:
            raise BadRecordError(where, f"the record has no article text; {_ACCEPTED}")
        for i, item in enumerate(record[container]):
            if isinstance(item, Mapping) and not _has_body(item):
                logger.debug("%s, %s[%d]: no article text; skipped", where, container, i)
                continue
            yield from _from_record(f"{where}, {container}[{i}]", item, nested=True)
        return
    body = _body(where, body_field, record[body_field])
    if not body.strip():
        if nested:
            return
        raise BadRecordError(where, f"the {body_field!r} field is empty; {_ACCEPTED}")
    yield RawArticle(
        body=body,
        title=_text(record, TITLE_FIELDS),
        published=next((record[f] for f in DATE_FIELDS if record.get(f) not in (None, "")), None),
        url=_text(record, URL_FIELDS),
        source=_text(record, SOURCE_FIELDS),
        author=_text(record, AUTHOR_FIELDS),
        source_hint=outlet_from_text(body),
    )


def _first_field(record: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if record.get(name) is not None), None)


def _has_body(record: Mapping[str, Any]) -> bool:
    field = _first_field(record, BODY_FIELDS)
    return field is not None and bool(_flatten(record[field]).strip())


def _body(where: str, field: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    raise BadRecordError(
        where, f"the {field!r} field must be text (or a list of paragraphs), not {_kind(value)}"
    )


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n\n".join(v for v in value if isinstance(v, str))
    return ""


def _text(record: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    """A metadata field as one string: lists are joined ("A, B"), {"name": …} objects unwrapped."""
    for name in names:
        value = record.get(name)
        if isinstance(value, Mapping):
            value = value.get("name")
        if isinstance(value, list):
            value = ", ".join(
                str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)
