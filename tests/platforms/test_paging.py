"""pages_ahead: bounded concurrency, order kept, nothing left running."""

from __future__ import annotations

import asyncio

import pytest

from server.platforms import pages_ahead


async def test_pages_come_in_order_with_bounded_concurrency():
    in_flight, most = 0, 0

    async def fetch(n: int) -> int:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001 * (7 - n % 7))  # later pages often finish first
        in_flight -= 1
        return n

    assert [p async for p in pages_ahead(fetch, 2, 12, concurrency=3)] == list(range(2, 13))
    assert most == 3


async def test_stopping_early_or_failing_cancels_pages_in_flight():
    started: list[int] = []
    cancelled: list[int] = []

    async def fetch(n: int) -> int:
        started.append(n)
        try:
            if n == 3:
                raise ValueError("page 3 is garbage")
            await asyncio.sleep(1)
            return n
        except asyncio.CancelledError:
            cancelled.append(n)
            raise

    with pytest.raises(ValueError, match="page 3"):
        async for _ in pages_ahead(fetch, 3, 10, concurrency=4):
            pass
    assert sorted(started) == [3, 4, 5, 6]
    assert sorted(cancelled) == [4, 5, 6]
