"""Live updates served together: one broker subscription and one read per event per process, however many
subscribers; each selection of an event executed once; each subscriber still sees only its seller's orders,
narrowed to its filters."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import Any

import pytest

from server.events import Change, Event, Fanout, MemoryBroker, PendingChange, announce, pending_channel
from server.models import Seller
from tests.conftest import new_token
from tests.graphql.queries import ACCEPT
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import Server, Subscriptions

SOCKETS = 4
PER_SOCKET = 10  # strawberry allows 100 operations per connection

ROW = """
subscription($platform: String, $store: ID) {
  pendingImports(platform: $platform, store: $store) {
    change
    order { id orderNumber status total { amount currencyCode } store { id name } platform { id } job { id } }
  }
}
"""
BRIEF = "subscription { pendingImports { change order { id status } } }"


# --- the fan-out ---------------------------------------------------------------------------------------------


async def test_an_event_is_prepared_once_for_every_subscriber_that_wants_it():
    broker = MemoryBroker()
    fanout = Fanout(broker)
    prepared: list[Event] = []

    async def prepare(event: Event) -> dict[str, Any]:
        prepared.append(event)
        return {"seen": event["n"]}

    async def subscriber(wanted: set[int], count: int) -> list[dict[str, Any]]:
        async with fanout.subscribe("c", prepare, lambda event: event["n"] in wanted) as events:
            ready.release()
            return [await anext(events) for _ in range(count)]

    ready = asyncio.Semaphore(0)
    everything = [asyncio.create_task(subscriber({1, 2, 3}, 2)) for _ in range(20)]
    only_three = asyncio.create_task(subscriber({3}, 1))
    for _ in range(21):
        await ready.acquire()
    for n in (1, 4, 3):  # nobody wants 4: it is not prepared
        await broker.publish("c", {"n": n})
    received = [await task for task in everything]
    three = await only_three

    assert [event["n"] for event in prepared] == [1, 3]
    assert all(events == [{"seen": 1}, {"seen": 3}] for events in received)
    assert len({id(events[0]) for events in received}) == 1  # the very same object for all of them
    assert three == [{"seen": 3}]
    assert not broker._queues  # the last subscriber left: the channel's broker subscription is gone


async def test_a_failed_preparation_reaches_every_subscriber_that_wanted_the_event():
    broker = MemoryBroker()
    fanout = Fanout(broker)

    async def prepare(event: Event) -> int:
        raise RuntimeError("the database is away")

    async def subscriber() -> None:
        async with fanout.subscribe("c", prepare, lambda event: True) as events:
            ready.release()
            await anext(events)

    ready = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(subscriber()) for _ in range(3)]
    for _ in tasks:
        await ready.acquire()
    await broker.publish("c", {"n": 1})
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [str(result) for result in results] == ["the database is away"] * 3


# --- pendingImports over websockets ----------------------------------------------------------------------------


async def _subscribed(
    stack: AsyncExitStack,
    server: Server,
    token: str,
    query: str,
    variables: dict[str, Any] | None = None,
    sockets: int = 1,
    each: int = 1,
) -> list[tuple[Subscriptions, list[str]]]:
    """``sockets`` websockets of ``token``, each with ``each`` subscriptions of ``query``: (socket, operation ids)."""
    opened = []
    for _ in range(sockets):
        ws = await stack.enter_async_context(server.websocket(token))
        await ws.acknowledged()
        opened.append((ws, [await ws.subscribe(query, variables) for _ in range(each)]))
    return opened


async def _events(opened: list[tuple[Subscriptions, list[str]]]) -> list[tuple[str, dict[str, Any]]]:
    """One event for each subscription of each socket: (operation id, its pendingImports)."""
    found = []
    for ws, operations in opened:
        for _ in operations:
            message = await ws.receive()
            assert message["type"] == "next" and not message["payload"].get("errors"), message
            found.append((message["id"], message["payload"]["data"]["pendingImports"]))
    return found


def _reads(caplog: pytest.LogCaptureFixture, table: str) -> int:
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client" and f'FROM "{table}"' in r.getMessage())


async def test_one_read_per_event_however_many_subscribers(server, token, store_id, shopify, caplog):
    add(shopify, 5)
    await import_orders(server, token, store_id, hours=1)
    (order,) = await pending(server, token)
    seller = await Seller.get(name="alice")
    async with AsyncExitStack() as stack:
        rows = await _subscribed(stack, server, token, ROW, sockets=SOCKETS, each=PER_SOCKET)
        narrowed = await _subscribed(
            stack, server, token, ROW, {"store": store_id, "platform": "shopify"}, sockets=2, each=5
        )
        brief = await _subscribed(stack, server, token, BRIEF, sockets=2, each=5)
        caplog.set_level(logging.DEBUG, logger="tortoise")
        caplog.clear()
        change = PendingChange(Change.UPDATED, order["id"], "PENDING", str(seller.id), store_id, "shopify")
        await announce(server.runtime.broker, change)
        full = await _events(rows) + await _events(narrowed)
        short = await _events(brief)
        reads = {table: _reads(caplog, table) for table in ("imported_order", "store", "import_job")}

    assert len(full) == SOCKETS * PER_SOCKET + 10 and len(short) == 10
    assert reads == {"imported_order": 1, "store": 1, "import_job": 1}
    first = full[0][1]
    assert (first["change"], first["order"]["id"], first["order"]["status"]) == ("UPDATED", order["id"], "PENDING")
    assert first["order"]["store"] == {"id": store_id, "name": "Alice's shop"}
    assert all(event == first for _, event in full)  # every subscriber of that selection got all of it
    assert all(event == {"change": "UPDATED", "order": {"id": order["id"], "status": "PENDING"}} for _, event in short)


async def test_each_subscriber_sees_its_own_sellers_orders_narrowed_to_its_filters(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, hours=1)
    (order,) = await pending(server, token)
    alice = await Seller.get(name="alice")
    bob_token = await new_token("bob")
    bob = await Seller.get(name="bob")
    async with AsyncExitStack() as stack:
        mine = await _subscribed(stack, server, token, ROW, sockets=2, each=3)
        elsewhere = await _subscribed(stack, server, token, ROW, {"store": "00000000-0000-0000-0000-000000000000"})
        other_platform = await _subscribed(stack, server, token, ROW, {"platform": "woocommerce"})
        bobs = await _subscribed(stack, server, bob_token, ROW, sockets=2, each=3)
        malformed = {
            "change": "ADDED",
            "id": "not-an-id",
            "status": "PENDING",
            "store": store_id,
            "platform": "shopify",
        }
        await server.runtime.broker.publish(pending_channel(alice.id), malformed)  # skipped; the stream goes on
        await server.execute(ACCEPT, {"id": order["id"]}, token=token)
        removed = await _events(mine)
        # A message on Bob's channel naming Alice's order: the order is read as Bob's, and is not his.
        forged = PendingChange(Change.ADDED, order["id"], "PENDING", str(bob.id), store_id, "shopify")
        await announce(server.runtime.broker, forged)
        quiet = [await ws.nothing_within(0.3) for ws, _ in elsewhere + other_platform + bobs]

    assert {(e["change"], e["order"]["id"], e["order"]["status"]) for _, e in removed} == {
        ("REMOVED", order["id"], "ACCEPTED")
    }
    assert len(removed) == 6
    assert all(quiet)


async def test_an_event_a_filter_cannot_read_is_skipped_and_the_channel_goes_on(caplog):
    broker = MemoryBroker()
    fanout = Fanout(broker)

    async def prepare(event: Event) -> int:
        return int(event["n"])

    async with fanout.subscribe("c", prepare, lambda event: event["n"] > 0) as events:
        await broker.publish("c", {"unexpected": True})
        await broker.publish("c", {"n": 1})
        assert await asyncio.wait_for(anext(events), 5) == 1
    assert "filter failed" in caplog.text
    assert not broker._queues
