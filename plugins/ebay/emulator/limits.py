"""eBay's call limit: a number of calls per app and API each day, the day starting at midnight Pacific time.

eBay publishes daily quotas only, no per-second rate (the default for a new production keyset is
5,000 calls a day; the Application Growth Check raises it, and the Analytics API's ``getRateLimits``
reads the live figures). A spent quota is HTTP 429 errorId 2001 until the next Pacific midnight; eBay
documents no ``Retry-After`` for it, so none is sent. A refused call is not counted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_DAILY_CALLS", "DailyQuota"]

DEFAULT_DAILY_CALLS = 5_000
_PACIFIC = ZoneInfo("America/Los_Angeles")


class DailyQuota:
    """``calls`` a day, counted on the Pacific-time date of ``now()``."""

    def __init__(self, calls: int, now: Callable[[], datetime]) -> None:
        self.calls, self.now = calls, now
        self._day: date | None = None
        self._used = 0

    def take(self) -> bool:
        """Count one call; ``False`` (nothing counted) when today's quota is spent."""
        today = self.now().astimezone(_PACIFIC).date()
        if today != self._day:
            self._day, self._used = today, 0
        if self._used >= self.calls:
            return False
        self._used += 1
        return True
