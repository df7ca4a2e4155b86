"""A mocked listing endpoint that records how many of its pages were requested at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aioresponses import CallbackResult
from yarl import URL


class PagedEndpoint:
    """``respond`` is an aioresponses callback (register it with ``repeat=True``): ``answer(url)`` after a pause.

    Each request waits less than the one before it, so pages requested
    together arrive out of order. ``in_flight_at_start`` is how many requests
    were open when each one began (itself included); ``peak`` is the most at once.
    """

    def __init__(self, answer: Callable[[URL], CallbackResult]) -> None:
        self.answer = answer
        self.urls: list[URL] = []
        self.in_flight_at_start: list[int] = []
        self._in_flight = 0

    @property
    def peak(self) -> int:
        return max(self.in_flight_at_start, default=0)

    async def respond(self, url: URL, **kwargs: Any) -> CallbackResult:
        self.urls.append(url)
        self._in_flight += 1
        self.in_flight_at_start.append(self._in_flight)
        try:
            await asyncio.sleep(0.05 / len(self.urls))
            return self.answer(url)
        finally:
            self._in_flight -= 1
