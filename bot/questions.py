"""Checks a question before the bot does any work for it: size, emptiness, control characters."""

from __future__ import annotations

import unicodedata

from retrieval import InputError, validate

# Line breaks and tabs are ordinary text in a chat message; other control characters are not.
_ORDINARY_CONTROLS = frozenset("\t\n\r")


def question_problem(question: str, *, raw: str | None = None) -> str | None:
    """The reply that refuses `question`, or None when it may be answered.

    `raw` is the whole message the question came from: control characters are looked for
    there, since splitting a command's arguments on whitespace drops some of them.
    """
    try:
        validate(question)
    except InputError as err:
        text = str(err)
        return text[:1].upper() + text[1:]
    for ch in raw if raw is not None else question:
        if unicodedata.category(ch) == "Cc" and ch not in _ORDINARY_CONTROLS:
            return (
                f"Your question contains an invisible control character (U+{ord(ch):04X}); "
                "type it again as plain text."
            )
    return None
