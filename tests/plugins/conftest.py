"""Fixtures and helpers shared by the connector tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aioresponses import aioresponses


class RecordingSleep:
    """Stands in for ``asyncio.sleep`` in an ``HttpClient``: records the waits, sleeps not at all."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def api() -> Iterator[aioresponses]:
    """Mocked platform answers for aiohttp (every request must match one)."""
    with aioresponses() as mocked:
        yield mocked
