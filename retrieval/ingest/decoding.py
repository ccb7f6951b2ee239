"""Reading a file's bytes as text: refuses empty and binary files, reports bad UTF-8 precisely."""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Literal

from retrieval.errors import (
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    PathNotFoundError,
    UnreadableFileError,
)

logger = logging.getLogger(__name__)

Errors = Literal["strict", "replace"]

_SAMPLE = 8192
_MAX_CONTROL_SHARE = 0.05
# Bytes that never occur in text: C0 controls except tab, newlines, form feed and escape.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_FALLBACK_HANDLER = "retrieval.ingest.cp1252"


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    # Stray non-UTF-8 bytes in news text are nearly always Windows-1252/Latin-1 ("£" as 0xA3).
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error(_FALLBACK_HANDLER, _cp1252_fallback)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; refuses a missing, unreadable or empty file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise PathNotFoundError(path) from err
    except IsADirectoryError as err:
        raise UnreadableFileError(path, "it is a folder") from err
    except OSError as err:
        raise UnreadableFileError(path, err.strerror or type(err).__name__) from err
    if not data.strip():
        raise EmptyFileError(path)
    return data


def check_not_binary(path: Path, data: bytes) -> None:
    sample = data[:_SAMPLE]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    controls = len(sample.translate(None, delete=_NOT_CONTROL))
    if b"\x00" in sample or controls > len(sample) * _MAX_CONTROL_SHARE:
        raise BinaryFileError(path)


def decode(path: Path, data: bytes, *, errors: Errors = "strict") -> str:
    """UTF-8 (a BOM is honoured, UTF-16 with a BOM too) to str.

    errors="strict" raises `DecodeError` naming the first bad byte and its line;
    errors="replace" reads each invalid byte as Windows-1252 (U+FFFD where that has no
    character), so a bulk ingest can keep a mostly-UTF-8 file with a few Latin-1 bytes.
    """
    check_not_binary(path, data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DecodeError(path, f"broken UTF-16 at byte {err.start}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if errors != "replace":
            line = data.count(b"\n", 0, err.start) + 1
            bad = data[err.start]
            raise DecodeError(path, f"byte 0x{bad:02x} on line {line}") from err
        logger.warning("%s: not valid UTF-8; reading the invalid bytes as Windows-1252", path)
        text = data.decode("utf-8-sig", errors=_FALLBACK_HANDLER)
    return text


def read_text(path: Path, *, errors: Errors = "strict") -> str:
    return decode(path, read_bytes(path), errors=errors)


# <meta charset="…"> or <meta http-equiv="Content-Type" content="text/html; charset=…">
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def decode_html(path: Path, data: bytes, *, errors: Errors = "strict") -> str:
    """A web page's bytes to str in the charset it declares ("iso-8859-1", "windows-1252");
    without one, or with UTF-8 declared, as `decode` reads text files: a page that is not
    what it says is refused, not indexed with garbled letters."""
    declared = _DECLARED_CHARSET.search(data[:_SAMPLE])
    if declared is not None and not data.startswith(codecs.BOM_UTF8):
        name = declared.group(1).decode("ascii", "replace")
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = "utf-8"  # an unknown name: read it as we read any page
        if codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            check_not_binary(path, data)
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                if errors != "replace":
                    raise DecodeError(path, f"not valid {name} at byte {err.start}") from err
                return data.decode(codec, errors="replace")
    return decode(path, data, errors=errors)
