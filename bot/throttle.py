"""Per-user question rate limit: at most N questions in any sliding window of W seconds."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class QuestionThrottle:
    """Sliding-window limiter; `max_questions == 0` turns it off."""

    def __init__(
        self,
        max_questions: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_questions = max_questions
        self.window_s = window_s
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, user_id: int) -> float:
        """Count one question; 0.0 if allowed, else the seconds until the user may ask again."""
        if self.max_questions <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            asked = self._asked.setdefault(user_id, deque())
            while asked and asked[0] <= now - self.window_s:
                asked.popleft()
            if len(asked) >= self.max_questions:
                return max(asked[0] + self.window_s - now, 0.001)
            asked.append(now)
            self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        # Keeps memory bounded by the users active in the last window, not all users ever seen.
        if len(self._asked) > 1024:
            idle = [u for u, q in self._asked.items() if not q or q[-1] <= now - self.window_s]
            for user_id in idle:
                del self._asked[user_id]
