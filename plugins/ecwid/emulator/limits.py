"""Ecwid's request limit: a number of requests per token in any 60-second window."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    """Counts accepted requests per token over the last minute; refused ones are not counted."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def admit(self, token: str) -> int | None:
        """Record a request and return ``None``, or return the whole seconds until one would be admitted."""
        now = self.clock()
        seen = self._seen.setdefault(token, deque())
        while seen and seen[0] <= now - WINDOW_SECONDS:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return max(1, math.ceil(seen[0] + WINDOW_SECONDS - now))
        seen.append(now)
        return None
