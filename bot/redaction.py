"""Keep the bot token out of every log record (httpx and PTB put it in request URLs)."""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any
from urllib.parse import quote

REDACTED = "<redacted-token>"


class SecretRedactingFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack text with every secret replaced."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if secret:
            with self._lock:
                self._secrets = self._secrets | _variants(secret)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):  # whole token first
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem, not ours
            return True
        clean = self.redact(message)
        if clean != message or record.args:
            # Freeze the text as it is now: arguments may be objects their owner changes after
            # logging them (PTB logs getFile's result, then writes the download URL, token
            # and all, into it), and a handler that formats later would show the change.
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if self.redact(text) != text:
                record.exc_text = self.redact(text)
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FILTER = SecretRedactingFilter()
_INSTALLED = False
_INSTALL_LOCK = threading.Lock()


def install_secret_redaction(secret: str) -> SecretRedactingFilter:
    """Redact `secret` from every record any logger creates from now on, whatever its handler.

    A filter on a logger misses its children's records and a filter on a handler misses
    handlers added later (pytest's caplog, for one), so the filter runs from the record
    factory instead, which every record passes through.
    """
    global _INSTALLED
    _FILTER.add(secret)
    with _INSTALL_LOCK:
        if not _INSTALLED:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _FILTER.filter(record)
                return record

            logging.setLogRecordFactory(factory)
            _INSTALLED = True
    # httpx logs every request at INFO, a line per long poll; unless someone chose its level.
    httpx_logger = logging.getLogger("httpx")
    if httpx_logger.level == logging.NOTSET:
        httpx_logger.setLevel(logging.WARNING)
    return _FILTER


def _variants(secret: str) -> set[str]:
    """The secret as logs may show it: whole, URL-encoded, and a bot token's secret half
    (`123456:ABC…` -> `ABC…`), which identifies the bot on its own."""
    variants = {secret, quote(secret, safe="")}
    _, colon, tail = secret.partition(":")
    if colon and len(tail) >= 16:
        variants.add(tail)
    return variants
