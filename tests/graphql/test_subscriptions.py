"""Live updates over real websockets (graphql-transport-ws)."""

from __future__ import annotations

import pytest

from tests.conftest import new_token
from tests.graphql.queries import ACCEPT, CANCEL, JOB_EVENTS, PENDING_EVENTS
from tests.graphql.test_import_flow import add, import_orders, pending


async def test_pending_list_changes_arrive_as_events(server, token, store_id, shopify):
    for minutes in (5, 10):
        add(shopify, minutes)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)

        await import_orders(server, token, store_id, hours=1)
        added = [(await ws.next())["pendingImports"] for _ in range(2)]
        first, second = sorted(await pending(server, token), key=lambda r: r["orderNumber"])
        await server.execute(ACCEPT, {"id": first["id"]}, token=token)
        accepted = (await ws.next())["pendingImports"]
        await server.execute(CANCEL, {"id": second["id"]}, token=token)
        canceled = (await ws.next())["pendingImports"]

        assert sorted((e["change"], e["order"]["orderNumber"], e["order"]["status"]) for e in added) == [
            ("ADDED", "#1001", "PENDING"),
            ("ADDED", "#1002", "PENDING"),
        ]
        assert (accepted["change"], accepted["order"]["id"], accepted["order"]["status"]) == (
            "REMOVED",
            first["id"],
            "ACCEPTED",
        )
        assert (canceled["change"], canceled["order"]["id"], canceled["order"]["status"]) == (
            "REMOVED",
            second["id"],
            "CANCELED",
        )
        restored = await import_orders(server, token, store_id, orderId=second["orderNumber"])
        assert restored["job"]["imported"] == 1
        back = (await ws.next())["pendingImports"]
        assert (back["change"], back["order"]["id"], back["order"]["status"]) == ("ADDED", second["id"], "PENDING")
        assert await ws.nothing_within(0.1)


async def test_a_seller_sees_only_their_own_events(server, token, store_id, shopify):
    add(shopify, 5)
    bob = await new_token("bob")
    async with server.websocket(bob) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)
        await import_orders(server, token, store_id, hours=1)
        assert await ws.nothing_within(0.3)


async def test_events_can_be_narrowed_to_a_store(server, token, store_id, shopify):
    add(shopify, 5)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS, {"store": "00000000-0000-0000-0000-000000000000"})
        await ws.subscribe(PENDING_EVENTS, {"store": store_id, "platform": "shopify"})
        await import_orders(server, token, store_id, hours=1)
        message = await ws.receive()
        assert message["id"] == "2"
        assert message["payload"]["data"]["pendingImports"]["change"] == "ADDED"
        assert await ws.nothing_within(0.1)


async def test_job_progress_streams_until_the_job_ends(server, token, store_id, shopify):
    for minutes in range(1, 4):
        add(shopify, minutes)
    job = (await import_orders(server, token, store_id, hours=1))["job"]
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(JOB_EVENTS, {"id": job["id"]})
        last = (await ws.next())["importJob"]
        complete = await ws.receive()

    assert (last["status"], last["imported"]) == ("SUCCEEDED", 3)
    assert complete["type"] == "complete"


async def test_job_progress_of_another_seller_is_an_error(server, token, store_id, shopify):
    add(shopify, 5)
    job = (await import_orders(server, token, store_id, hours=1))["job"]
    bob = await new_token("bob")
    async with server.websocket(bob) as ws:
        await ws.acknowledged()
        await ws.subscribe(JOB_EVENTS, {"id": job["id"]})
        message = await ws.receive()
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("authorization", [None, "Bearer nope"])
async def test_websockets_without_a_valid_token_are_closed_with_4403(server, authorization):
    ws = await server.session.ws_connect(server.graphql_url, protocols=("graphql-transport-ws",))
    payload = {"authorization": authorization} if authorization else {}
    await ws.send_json({"type": "connection_init", "payload": payload})
    message = await ws.receive(timeout=5)
    assert ws.close_code == 4403 or message.data == 4403


async def test_subscribing_before_connection_init_is_closed_with_4401(server):
    ws = await server.session.ws_connect(server.graphql_url, protocols=("graphql-transport-ws",))
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": PENDING_EVENTS}})
    message = await ws.receive(timeout=5)
    assert ws.close_code == 4401 or message.data == 4401
