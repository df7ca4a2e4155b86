"""Events cross process boundaries through Redis or PostgreSQL: two brokers stand for two processes."""

from __future__ import annotations

import asyncio
import os

import pytest

from server.events import MemoryBroker, PostgresBroker, RedisBroker, create_broker
from tests.databases import POSTGRES_SERVER, require_service

REDIS_URL = os.environ.get("ORDER_IMPORT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _relay(make) -> None:  # type: ignore[no-untyped-def]
    first, second = make(), make()
    await first.start()
    await second.start()
    try:
        async with first.subscribe("pending:s1") as events, first.subscribe("pending:s2") as others:
            await asyncio.sleep(0.05)  # subscriptions reach the server
            await second.publish("pending:s1", {"change": "ADDED", "id": "o1"})
            await first.publish("pending:s1", {"change": "REMOVED", "id": "o1"})
            received = [await asyncio.wait_for(anext(events), 5) for _ in range(2)]
            assert sorted(e["change"] for e in received) == ["ADDED", "REMOVED"]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(anext(others), 0.1)
    finally:
        await first.close()
        await second.close()


async def test_redis_relays_between_processes():
    await require_service("Redis", REDIS_URL)
    await _relay(lambda: RedisBroker(REDIS_URL))


async def test_postgres_relays_between_processes():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    await _relay(lambda: PostgresBroker(f"{POSTGRES_SERVER}/postgres"))


def test_broker_is_chosen_by_url():
    assert isinstance(create_broker("memory://"), MemoryBroker)
    with pytest.raises(ValueError, match="kafka"):
        create_broker("kafka://x")
