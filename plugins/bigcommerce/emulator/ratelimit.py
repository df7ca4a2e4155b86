"""BigCommerce's per-store request quota: ``quota`` requests per fixed window, reported on every response."""

from __future__ import annotations

import math
from collections.abc import Callable


class RequestQuota:
    """A quota refreshed every ``window`` seconds; each counted request uses one unit."""

    def __init__(self, quota: int, window: float, clock: Callable[[], float]) -> None:
        self.quota, self.window, self.clock = quota, window, clock
        self._start = clock()
        self._left = quota

    def _roll(self) -> float:
        """Start a new window if the current one has ended; return the seconds left in it."""
        now = self.clock()
        if now - self._start >= self.window:
            self._start += (now - self._start) // self.window * self.window
            self._left = self.quota
        return self._start + self.window - now

    def take(self) -> bool:
        """Use one unit; ``False`` (nothing used) when the window's quota is spent."""
        self._roll()
        if self._left <= 0:
            return False
        self._left -= 1
        return True

    def headers(self, *, reset_ms: int | None = None, left: int | None = None) -> dict[str, str]:
        """The four ``X-Rate-Limit-*`` headers, optionally reporting another reset time or count."""
        remaining = self._roll()
        return {
            "X-Rate-Limit-Time-Window-Ms": str(round(self.window * 1000)),
            "X-Rate-Limit-Time-Reset-Ms": str(math.ceil(remaining * 1000) if reset_ms is None else reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(self._left if left is None else left),
        }
