"""A host's request limit, the stand-in for a WooCommerce store's: WooCommerce core's REST API has none.

The figures are the only ones WooCommerce publishes, its Store API limiter's defaults: at most 25
requests in a 10-second window that opens with the first request, per user or address. A throttled
request is not counted; its 429 says when the window ends (``Retry-After``, and the ``RateLimit-*``
headers of WooCommerce's limiter).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["STORE_API_DEFAULT", "HostLimit", "WindowLimit"]


@dataclass(frozen=True, slots=True)
class HostLimit:
    """``requests`` per ``window`` seconds."""

    requests: int
    window: float


STORE_API_DEFAULT = HostLimit(requests=25, window=10.0)


class WindowLimit:
    """Counts the requests of the current window (opened by the first request after the last one closed)."""

    def __init__(self, limit: HostLimit, clock: Callable[[], float]) -> None:
        self.limit, self.clock = limit, clock
        self._opened: float | None = None
        self._used = 0

    def admit(self) -> dict[str, str] | None:
        """Count one request and return ``None``, or return the 429's headers when the window is spent."""
        now = self.clock()
        if self._opened is None or now - self._opened >= self.limit.window:
            self._opened, self._used = now, 0
        if self._used < self.limit.requests:
            self._used += 1
            return None
        wait = str(max(1, math.ceil(self._opened + self.limit.window - now)))
        return {
            "Retry-After": wait,
            "RateLimit-Retry-After": wait,
            "RateLimit-Limit": str(self.limit.requests),
            "RateLimit-Remaining": "0",
        }
