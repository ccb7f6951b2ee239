"""Which files an ingest reads: named files and the supported files under named folders."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from retrieval.errors import PathNotFoundError, UnsupportedFileError

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"})
# Dataset and repository documentation that sits beside articles (bbc/README.TXT).
NOT_ARTICLES = frozenset({"readme", "license", "licence", "changelog", "notice", "copying"})


def discover_files(paths: Sequence[str | Path]) -> list[Path]:
    """Files to ingest, in the order given; folders expand recursively, sorted by path.

    Inside folders, hidden files and folders, README/LICENSE-like files and unsupported types
    are skipped. A path named explicitly must exist and have a supported suffix (any case).
    A file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = _walk(path)
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise UnsupportedFileError(path, path.suffix)
            candidates = [path]
        elif path.exists():
            raise UnsupportedFileError(path, path.suffix)
        else:
            raise PathNotFoundError(path)
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    skipped: Counter[str] = Counter()
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(root, name)
            if name.startswith("."):
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.debug("skipping %s: unsupported file type", path)
                skipped[path.suffix.lower() or "(none)"] += 1
            elif path.stem.lower() in NOT_ARTICLES:
                logger.debug("skipping %s: documentation, not an article", path)
            elif path.is_file():
                files.append(path)
    if skipped:
        kinds = ", ".join(f"{suffix} {n}" for suffix, n in skipped.most_common())
        # One line, not one per file: a folder of pages may hold hundreds of images.
        logger.warning(
            "%s: left out %d file(s) of types newsbot does not read (%s); save articles as "
            ".txt, .md, .html, .json or .jsonl to include them",
            folder,
            skipped.total(),
            kinds,
        )
    return sorted(files, key=lambda p: p.relative_to(folder).parts)
