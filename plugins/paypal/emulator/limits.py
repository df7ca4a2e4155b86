"""A stand-in for PayPal's request limit, which PayPal does not publish.

PayPal says only that it answers 429 ``RATE_LIMIT_REACHED`` when an app sends too many requests, and
counts them per minute (its developer forum's moderators). The stand-in is ``REQUESTS_PER_MINUTE`` (600)
in any 60 seconds per app, Ecwid's published figure for a comparable REST API, with ``Retry-After``
saying when a slot frees (PayPal advises honouring it when present). The token endpoint is not counted,
nor is a refused request.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

__all__ = ["REQUESTS_PER_MINUTE", "MinuteLimit"]

REQUESTS_PER_MINUTE = 600
_WINDOW = 60.0


class MinuteLimit:
    """At most ``per_minute`` accepted requests in any 60 seconds of ``clock``."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute, self.clock = per_minute, clock
        self._seen: deque[float] = deque()

    def admit(self) -> int | None:
        """Count one request and return ``None``, or return the whole seconds until one would be admitted."""
        now = self.clock()
        while self._seen and self._seen[0] <= now - _WINDOW:
            self._seen.popleft()
        if len(self._seen) >= self.per_minute:
            return max(1, math.ceil(self._seen[0] + _WINDOW - now))
        self._seen.append(now)
        return None
