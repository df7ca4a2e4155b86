"""Fetching numbered pages ahead: for offset-paginated APIs, a few pages in flight, yielded in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

__all__ = ["pages_ahead"]

T = TypeVar("T")


async def pages_ahead(
    fetch: Callable[[int], Awaitable[T]], first: int, last: int, *, concurrency: int
) -> AsyncGenerator[T, None]:
    """Yield ``fetch(n)`` for ``n`` from ``first`` to ``last`` in order, with at most ``concurrency`` in flight.

    Each page is yielded as soon as it and every page before it have arrived,
    so a caller still stores page by page. When the caller stops early (or a
    fetch fails), pages still in flight are cancelled.
    """
    pending: dict[int, asyncio.Task[T]] = {}
    following = first
    try:
        for number in range(first, last + 1):
            while following <= last and len(pending) < max(1, concurrency):
                pending[following] = asyncio.ensure_future(fetch(following))
                following += 1
            yield await pending.pop(number)
    finally:
        for task in pending.values():
            task.cancel()
        await asyncio.gather(*pending.values(), return_exceptions=True)
