"""Outgoing Bot API calls: flood limits, RetryAfter back-off and retries on network errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

# A timed-out send may still have been delivered; retrying those would post duplicates, so
# only calls that are safe to repeat are retried after a timeout.
_SEND_PREFIXES = ("send", "forward", "copy")


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` (flood limits, waits out RetryAfter up to `max_retries` times) that also
    retries transient network failures with exponential back-off."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 3,
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
                repeatable = not (isinstance(err, TimedOut) and endpoint.startswith(_SEND_PREFIXES))
                if attempt == self.network_retries or not repeatable:
                    raise
                delay = self.backoff_s * 2**attempt
                logger.warning(
                    "%s failed (%s); retrying in %.1f s", endpoint, type(err).__name__, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises
