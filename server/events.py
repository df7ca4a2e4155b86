"""Live updates: a small publish/subscribe interface feeding GraphQL subscriptions.

Services publish only after the database commit. Events are plain JSON-able
dicts so that a broker between processes can carry them unchanged.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

Event = dict[str, Any]


class Broker(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(self, channel: str) -> Any:
        """An async context manager yielding an async iterator of the channel's events."""
        ...


class MemoryBroker:
    """In-process fan-out: one unbounded queue per subscriber."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[Event]]] = defaultdict(set)

    async def publish(self, channel: str, event: Event) -> None:
        for queue in tuple(self._queues.get(channel, ())):
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._queues[channel].add(queue)
        try:
            yield _drain(queue)
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    def subscriber_count(self, channel: str) -> int:
        return len(self._queues.get(channel, ()))


async def _drain(queue: asyncio.Queue[Event]) -> AsyncIterator[Event]:
    while True:
        yield await queue.get()


def pending_channel(seller_id: object) -> str:
    return f"pending:{seller_id}"


def job_channel(job_id: object) -> str:
    return f"job:{job_id}"
