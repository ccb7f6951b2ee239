"""Ingestion front half: find article files, read them, and turn them into clean `Article`s.

>>> from retrieval.ingest import discover_files, read_articles
>>> articles = [a for f in discover_files(["seeds/"]) for a in read_articles(f)]  # doctest: +SKIP
"""

from __future__ import annotations

from retrieval.ingest.cleaning import CLEANING_RULES, Action, CleaningRule, clean_text
from retrieval.ingest.discovery import SUPPORTED_SUFFIXES, discover_files
from retrieval.ingest.outlets import DOMAIN_OUTLETS, OUTLET_SIGNATURES, OutletSignature
from retrieval.ingest.reader import read_articles

__all__ = [
    "CLEANING_RULES",
    "DOMAIN_OUTLETS",
    "OUTLET_SIGNATURES",
    "SUPPORTED_SUFFIXES",
    "Action",
    "CleaningRule",
    "OutletSignature",
    "clean_text",
    "discover_files",
    "read_articles",
]
