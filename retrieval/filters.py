"""Chroma `where` filters: checked up front, and applied to BM25 hits as Chroma applies them."""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from typing import Any

from chromadb.api.types import validate_where

from retrieval.errors import BadFilterError

logger = logging.getLogger(__name__)

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": operator.eq,
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
    "$in": lambda value, options: value in options,
    "$contains": lambda value, item: isinstance(value, list) and item in value,
}
# Chroma lets a chunk without the field through these (a chunk with no source is "not FT").
_NEGATIONS: dict[str, str] = {"$ne": "$eq", "$nin": "$in", "$not_contains": "$contains"}


def check_where(where: dict[str, Any]) -> None:
    """Raise `BadFilterError` for a filter Chroma would refuse, before any search runs, so
    that the dense and the BM25 half never disagree about what it means."""
    try:
        validate_where(where)
    except ValueError as err:
        raise BadFilterError(str(err)) from None


def matches(meta: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether a chunk's metadata passes a checked `where`, with Chroma's meaning."""
    for key, condition in where.items():
        if key == "$and":
            if not all(matches(meta, part) for part in condition):
                return False
        elif key == "$or":
            if not any(matches(meta, part) for part in condition):
                return False
        elif not _field_matches(meta.get(key), condition):
            return False
    return True


def _field_matches(value: Any, condition: Any) -> bool:
    if isinstance(condition, dict):
        op, operand = next(iter(condition.items()))
    else:
        op, operand = "$eq", condition
    if op in _NEGATIONS:
        return value is None or not _COMPARISONS[_NEGATIONS[op]](value, operand)
    if value is None:
        return False
    try:
        return _COMPARISONS[op](value, operand)
    except TypeError:  # a number compared with a string: Chroma matches nothing
        return False
