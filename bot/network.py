"""Outgoing Bot API calls: flood limits, RetryAfter back-off and retries on network errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

# A send that timed out waiting for the answer may still have been delivered; retrying it
# would post a duplicate, so after a timeout only calls that are safe to repeat are retried,
# and sends only when the request provably never left (see `_never_sent`).
_SEND_PREFIXES = ("send", "forward", "copy")
# Errors raised before a byte of the request went out: no connection, or no free one.
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` (flood limits, waits out RetryAfter up to `max_retries` times) that also
    retries transient network failures with exponential back-off."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 5,
        backoff_s: float = 0.5,
        **limits: Any,
    ) -> None:
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff_s = backoff_s

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:  # our request was wrong; sending it again will not help
                raise
            except NetworkError as err:
                if attempt == self.network_retries or not _repeatable(endpoint, err):
                    raise
                delay = self.backoff_s * 2**attempt
                logger.warning(
                    "%s failed (%s); retrying in %.1f s", endpoint, type(err).__name__, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises


def _repeatable(endpoint: str, err: NetworkError) -> bool:
    """Whether sending the request again should not post a second message.

    An error status (5xx) or a connection dropped without an answer is taken to mean the Bot
    API did not carry the call out (a drop after it did cannot be told apart; posting twice
    then beats losing the answer); a timeout while waiting for the answer means it may have.
    """
    if not isinstance(err, TimedOut) or not endpoint.startswith(_SEND_PREFIXES):
        return True
    return _never_sent(err)


def _never_sent(err: BaseException) -> bool:
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, _UNSENT):
            return True
        cause = cause.__cause__
    return False
