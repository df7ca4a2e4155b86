"""Pacing requests by the store's quota as BigCommerce reports it in its ``X-Rate-Limit-*`` headers.

The quota (150 requests per 30 s on Standard and Plus) belongs to the store, shared by every app
on it. Every answer says how many requests are left in the current window
(``X-Rate-Limit-Requests-Left``) and when it refills (``X-Rate-Limit-Time-Reset-Ms``); once only
the reserve left to the store's other apps remains, requests wait for the refill instead of
spending it (or drawing 429s). Requests sent and not answered yet count as spent: an answer
may have been counted before them, however late it is read.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

from server.platforms import Response

__all__ = ["RESERVE_SHARE", "QuotaPacer"]

RESERVE_SHARE = 0.1
"""The share of the window's quota left to the store's other apps."""


class QuotaPacer:
    """Admits a request while more than the reserve is left in the window, as the latest answers report it."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._left: int | None = None  # the lowest count answered in the window; None: not known
        self._in_flight = 0  # requests admitted and not answered yet
        self._reserve = 0
        self._refills_at = 0.0

    async def admit(self) -> None:
        """Return once a request may be sent (waiting for the window to refill if need be), and count it in
        flight until ``note`` takes in its answer or ``abandon`` its failure."""
        while self._left is not None and self._left - self._in_flight <= self._reserve:
            wait = self._refills_at - self._clock()
            if wait <= 0:
                self._left = None  # a new window: the next answer tells how much of it is left
                break
            await self._sleep(wait)
        self._in_flight += 1

    def abandon(self) -> None:
        """A request admitted got no answer (it failed or was cancelled)."""
        self._in_flight = max(0, self._in_flight - 1)

    def note(self, response: Response) -> None:
        """Take in an answer, and what its headers say about the window (an answer without them says nothing)."""
        self.abandon()  # answered: no longer in flight
        headers = response.headers
        try:
            left = int(headers["X-Rate-Limit-Requests-Left"])
            quota = int(headers["X-Rate-Limit-Requests-Quota"])
            reset_ms = float(headers["X-Rate-Limit-Time-Reset-Ms"])
        except (KeyError, ValueError):
            return
        if left < 0 or quota <= 0 or not 0 <= reset_ms < math.inf:
            return
        now = self._clock()
        # Answers to requests sent together arrive in any order: within a window the lowest count is the latest.
        same_window = self._left is not None and now < self._refills_at
        self._left = min(self._left, left) if same_window and self._left is not None else left
        self._reserve = math.ceil(quota * RESERVE_SHARE)
        self._refills_at = now + reset_ms / 1000
