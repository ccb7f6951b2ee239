"""Fingerprints of our own modules: data made by code keeps the fingerprint of that code."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def code_fingerprint(files: Sequence[str]) -> str:
    """A short hash of the named files of this package (names relative to `retrieval/`); a
    missing file counts as such rather than failing."""
    digest = hashlib.sha256()
    for name in files:
        path = _PACKAGE / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]
