"""Events cross process boundaries through Redis or PostgreSQL: two brokers stand for two processes. Each
deployment has its own channel there, named by its prefix (``ORDER_IMPORT_CHANNEL_PREFIX``, by default derived
from its database), so deployments sharing a Redis or a PostgreSQL never see each other's events."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from server.events import Broker, MemoryBroker, PostgresBroker, RedisBroker, create_broker
from server.settings import Settings, SettingsError, derived_channel_prefix
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
    prefix = _unique_prefix()
    await _relay(lambda: RedisBroker(REDIS_URL, prefix))


async def test_postgres_relays_between_processes():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    prefix = _unique_prefix()
    await _relay(lambda: PostgresBroker(f"{POSTGRES_SERVER}/postgres", prefix))


def test_broker_is_chosen_by_url():
    assert isinstance(create_broker("memory://", "p"), MemoryBroker)
    with pytest.raises(ValueError, match="kafka"):
        create_broker("kafka://x", "p")


def _unique_prefix() -> str:
    """A channel of this test's own: other runs may share the Redis or PostgreSQL server."""
    return f"test-{uuid.uuid4().hex[:12]}"


async def _isolated(make) -> None:  # type: ignore[no-untyped-def]
    """Two deployments (two brokers each) on one server: each process sees its own deployment's events only."""
    one, other = _unique_prefix(), _unique_prefix()
    brokers: list[Broker] = [make(one), make(one), make(other), make(other)]
    for broker in brokers:
        await broker.start()
    first, first_peer, second, second_peer = brokers
    try:
        async with (
            first.subscribe("pending:s1") as mine,
            second.subscribe("pending:s1") as theirs,
            second_peer.subscribe("pending:s1") as their_peer,
        ):
            await asyncio.sleep(0.05)  # subscriptions reach the server
            await first_peer.publish("pending:s1", {"change": "ADDED", "id": "mine"})
            await second.publish("pending:s1", {"change": "ADDED", "id": "theirs"})
            assert (await asyncio.wait_for(anext(mine), 5))["id"] == "mine"
            assert (await asyncio.wait_for(anext(theirs), 5))["id"] == "theirs"
            assert (await asyncio.wait_for(anext(their_peer), 5))["id"] == "theirs"
            for stream in (mine, theirs, their_peer):
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(anext(stream), 0.1)
    finally:
        for broker in brokers:
            await broker.close()


async def test_deployments_sharing_a_redis_database_do_not_see_each_others_events():
    await require_service("Redis", REDIS_URL)
    await _isolated(lambda prefix: RedisBroker(REDIS_URL, prefix))


async def test_deployments_sharing_a_postgres_channel_database_do_not_see_each_others_events():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    await _isolated(lambda prefix: PostgresBroker(f"{POSTGRES_SERVER}/postgres", prefix))


def test_the_channel_prefix_is_derived_from_the_database_without_its_credentials():
    shop = derived_channel_prefix("postgres://app:secret@db.example:5432/shop")
    assert shop == derived_channel_prefix("postgres://other:changed@DB.example:5432/shop?ssl=require")
    assert shop == derived_channel_prefix("postgresql://db.example:5432/shop")
    assert "secret" not in shop and len(shop) <= 40
    assert shop != derived_channel_prefix("postgres://app:secret@db.example:5432/shop2")
    assert shop != derived_channel_prefix("postgres://app:secret@db2.example:5432/shop")
    assert derived_channel_prefix("sqlite://a/orders.sqlite3") != derived_channel_prefix("sqlite://b/orders.sqlite3")


def test_the_channel_prefix_setting_wins_over_the_derived_one():
    database = "postgres://app@db.example/shop"
    env = {"ORDER_IMPORT_DATABASE_URL": database, "ORDER_IMPORT_SECRET_KEY": "k"}
    assert Settings.from_env(env).broadcast_channel_prefix == derived_channel_prefix(database)
    chosen = Settings.from_env(env | {"ORDER_IMPORT_CHANNEL_PREFIX": "shop-eu.1"})
    assert chosen.broadcast_channel_prefix == "shop-eu.1"
    for bad in ("with space", "x" * 41, "semi;colon"):
        with pytest.raises(SettingsError, match="ORDER_IMPORT_CHANNEL_PREFIX"):
            Settings.from_env(env | {"ORDER_IMPORT_CHANNEL_PREFIX": bad})
