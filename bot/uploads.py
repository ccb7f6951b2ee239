"""Where uploaded article files go: a server-chosen name inside the uploads folder, always."""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path, PurePosixPath, PureWindowsPath

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".json", ".jsonl")
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME_CHARS = 80
_MAX_SHOWN_CHARS = 100


class UploadRejected(Exception):
    """An upload we refuse before touching the disk; `str()` is the reply to the user."""


def upload_suffix(file_name: str | None) -> str:
    """The lower-cased suffix of the uploaded name ('' when it has none)."""
    return PurePosixPath(_basename(file_name or "")).suffix.lower()


def check_upload(file_name: str | None, declared_size: int | None, max_bytes: int) -> None:
    """Refuse (before downloading) files of the wrong type or announced as too big."""
    suffix = upload_suffix(file_name)
    if suffix not in ALLOWED_SUFFIXES:
        shown = display_name(suffix, limit=20) if suffix else "(no extension)"
        raise UploadRejected(
            f"I can only add {', '.join(ALLOWED_SUFFIXES)} files, not {shown}; "
            "export the article as text, Markdown, HTML or JSON and send it again."
        )
    if declared_size is not None and declared_size > max_bytes:
        raise UploadRejected(too_big_message(declared_size, max_bytes))


def display_name(file_name: str | None, *, limit: int = _MAX_SHOWN_CHARS) -> str:
    """The sent name as the user typed it, fit to quote back: control characters (a newline,
    a NUL) shown as '?', and cut to `limit` characters."""
    if not file_name:
        return "the file"
    shown = "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in file_name)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def too_big_message(size: int, max_bytes: int) -> str:
    return (
        f"That file is {size:,} bytes; the limit is {max_bytes:,} bytes. "
        "Split it into smaller files and send them one by one."
    )


def safe_upload_path(uploads_dir: Path, file_name: str | None) -> Path:
    """`<uploads_dir>/<uuid>-<sanitized basename>`; the sent name never picks the folder."""
    base = _sanitize(_basename(file_name or ""))
    path = (uploads_dir / f"{uuid.uuid4().hex}-{base}").resolve()
    root = uploads_dir.resolve()
    if path.parent != root:  # cannot happen after sanitizing; a guard, not a code path
        raise UploadRejected("That file name is not allowed; rename the file and send it again.")
    return path


def save_upload(uploads_dir: Path, file_name: str | None, content: bytes) -> Path:
    uploads_dir.mkdir(parents=True, exist_ok=True)
    path = safe_upload_path(uploads_dir, file_name)
    with path.open("xb") as handle:  # "x": never overwrite, even on a uuid collision
        handle.write(content)
    return path


def _basename(name: str) -> str:
    # Both separators: a Windows client may send `..\\..\\x.txt`.
    return PureWindowsPath(PurePosixPath(name).name).name


def _sanitize(name: str) -> str:
    suffix = upload_suffix(name)
    stem = name[: -len(suffix)] if suffix else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE_RE.sub("_", ascii_stem).strip("._-")[:_MAX_NAME_CHARS] or "upload"
    return f"{stem}{suffix if suffix in ALLOWED_SUFFIXES else '.txt'}"
