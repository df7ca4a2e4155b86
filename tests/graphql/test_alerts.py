"""Alerts over the API: the list, the unread count, markAlertsRead and the live subscription, seller by seller."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest

from server.events import PostgresBroker
from server.models import AlertKind, Seller
from server.services import accounts
from server.services.alerts import raise_alert
from tests.conftest import new_token
from tests.databases import POSTGRES_SERVER, require_service
from tests.graphql.queries import ACCEPT, ALERT_EVENTS, ALERTS, MARK_ALERTS_READ
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import Server, running_server, settings


async def _raise(server: Server, seller: str, condition: str, **links: Any) -> str:
    alert = await raise_alert(
        server.runtime,
        seller_id=(await accounts.get_or_create_seller(seller)).id,
        kind=AlertKind.IMPORT_FAILING,
        condition=condition,
        message=f"about {condition}",
        **links,
    )
    assert alert is not None
    return str(alert.id)


async def _alerts(server: Server, token: str, **args: Any) -> dict[str, Any]:
    return await server.execute(ALERTS, args, token=token)


async def _mark(server: Server, token: str, ids: list[str] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = (await server.execute(MARK_ALERTS_READ, {"ids": ids}, token=token))["markAlertsRead"]
    return payload


async def test_alerts_are_listed_newest_first_page_by_page(server, token):
    raised = [await _raise(server, "alice", f"c{n}") for n in range(3)]

    first = (await _alerts(server, token, first=2))["alerts"]
    rest = (await _alerts(server, token, first=2, after=first["pageInfo"]["endCursor"]))["alerts"]

    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == raised[::-1]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["totalCount"] == rest["totalCount"] == 3
    node = first["edges"][0]["node"]
    assert (node["kind"], node["message"], node["readAt"], node["clearedAt"]) == (
        "IMPORT_FAILING",
        "about c2",
        None,
        None,
    )


async def test_marking_read_by_id_or_all_and_the_unread_count(server, token):
    ids = [await _raise(server, "alice", f"c{n}") for n in range(3)]

    assert await _mark(server, token, [ids[0]]) == {"marked": 1, "userErrors": []}
    assert await _mark(server, token, [ids[0]]) == {"marked": 0, "userErrors": []}  # read already
    unread = await _alerts(server, token, unreadOnly=True)
    assert [e["node"]["id"] for e in unread["alerts"]["edges"]] == [ids[2], ids[1]]
    assert (unread["alerts"]["totalCount"], unread["unreadAlertCount"]) == (2, 2)
    everything = await _alerts(server, token)
    read_at = {e["node"]["id"]: e["node"]["readAt"] for e in everything["alerts"]["edges"]}
    assert read_at[ids[0]] is not None and read_at[ids[1]] is None

    assert await _mark(server, token) == {"marked": 2, "userErrors": []}
    after = await _alerts(server, token, unreadOnly=True)
    assert (after["alerts"]["edges"], after["unreadAlertCount"]) == ([], 0)


@pytest.mark.parametrize("ids", [[], [str(uuid.uuid4()) for _ in range(101)]])
async def test_mark_alerts_read_takes_1_to_100_ids(server, token, ids):
    await _raise(server, "alice", "c")
    payload = await _mark(server, token, ids)
    assert payload["marked"] == 0
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["ids"])]
    assert (await _alerts(server, token))["unreadAlertCount"] == 1


async def test_a_seller_sees_and_marks_only_their_own_alerts(server, token):
    bob = await new_token("bob")
    mine = await _raise(server, "alice", "c")
    theirs = await _raise(server, "bob", "c")

    listed = await _alerts(server, token)
    assert [e["node"]["id"] for e in listed["alerts"]["edges"]] == [mine]
    assert listed["unreadAlertCount"] == 1
    # Another seller's id, an unknown one and no id at all are simply not counted.
    assert await _mark(server, token, [theirs, str(uuid.uuid4()), "not-an-id"]) == {"marked": 0, "userErrors": []}
    assert await _mark(server, token) == {"marked": 1, "userErrors": []}
    assert (await _alerts(server, bob))["unreadAlertCount"] == 1


async def test_a_read_only_token_may_mark_alerts_read(server):
    read_only = await accounts.create_token(await accounts.get_or_create_seller("alice"), read_only=True)
    await _raise(server, "alice", "c")
    assert await _mark(server, read_only) == {"marked": 1, "userErrors": []}


async def test_an_alert_leads_to_its_store_job_and_transaction_of_the_caller_only(server, token, store_id, shopify):
    add(shopify, 5)
    job = (await import_orders(server, token, store_id, hours=1))["job"]
    [order] = await pending(server, token)
    transaction = (await server.execute(ACCEPT, {"id": order["id"]}, token=token))["acceptImport"]["transaction"]
    await _raise(server, "alice", "linked", store_id=store_id, job_id=job["id"], transaction_id=transaction["id"])
    # An alert that names rows of another seller shows none of them.
    await _raise(server, "bob", "forged", store_id=store_id, job_id=job["id"], transaction_id=transaction["id"])

    [node] = [e["node"] for e in (await _alerts(server, token))["alerts"]["edges"]]
    assert node["store"] == {"id": store_id, "name": "Alice's shop"}
    assert (node["job"], node["transaction"]) == ({"id": job["id"]}, {"id": transaction["id"]})
    [forged] = [e["node"] for e in (await _alerts(server, await new_token("bob")))["alerts"]["edges"]]
    assert (forged["job"], forged["transaction"]) == (None, None)


async def test_new_alerts_arrive_live_to_their_seller_only(server, token):
    bob = await new_token("bob")
    async with server.websocket(token) as alice_ws, server.websocket(bob) as bob_ws:
        await alice_ws.acknowledged()
        await bob_ws.acknowledged()
        await alice_ws.subscribe(ALERT_EVENTS)
        await bob_ws.subscribe(ALERT_EVENTS)

        raised = await _raise(server, "alice", "c")
        event = (await alice_ws.next())["alerts"]
        assert (event["id"], event["kind"], event["message"], event["readAt"]) == (
            raised,
            "IMPORT_FAILING",
            "about c",
            None,
        )
        seller = await Seller.get(name="alice")
        again = await raise_alert(
            server.runtime, seller_id=seller.id, kind=AlertKind.IMPORT_FAILING, condition="c", message="again"
        )
        assert again is None
        assert await alice_ws.nothing_within(0.1)
        assert await bob_ws.nothing_within(0.1)


@pytest.mark.database
async def test_an_alert_raised_by_another_process_arrives_live():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    broadcast = f"{POSTGRES_SERVER}/postgres"
    async with running_server(settings(broadcast_url=broadcast)) as server:
        token = await new_token("alice")
        other_process = PostgresBroker(broadcast, server.runtime.settings.broadcast_channel_prefix)
        await other_process.start()
        try:
            async with server.websocket(token) as ws:
                await ws.acknowledged()
                await ws.subscribe(ALERT_EVENTS)
                seller = await Seller.get(name="alice")
                elsewhere = replace(server.runtime, broker=other_process)
                alert = await raise_alert(
                    elsewhere, seller_id=seller.id, kind=AlertKind.WEBHOOK_SILENT, condition="c", message="quiet"
                )
                assert alert is not None
                event = (await ws.next())["alerts"]
                assert (event["id"], event["kind"]) == (str(alert.id), "WEBHOOK_SILENT")
        finally:
            await other_process.close()
