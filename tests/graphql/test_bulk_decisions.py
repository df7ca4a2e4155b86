"""acceptImports / cancelImports: each id decided on its own, as by the single mutations, in input order."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest

from server.models import AuditAction, AuditEvent, ImportedOrder, ImportStatus, Transaction
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL, PENDING_EVENTS
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.graphql.test_tokens import make_token
from tests.support import Server

RESULT_FIELDS = """
  results {
    id
    importedOrder { id orderNumber status cancelReason }
    transaction { id orderNumber source }
    userErrors { code message field }
  }
  succeeded failed
  userErrors { code message field }
"""
ACCEPT_MANY = f"""
mutation($ids: [ID!]!, $force: Boolean) {{ acceptImports(ids: $ids, force: $force) {{ {RESULT_FIELDS} }} }}
"""
CANCEL_MANY = f"""
mutation($ids: [ID!]!, $reason: String) {{ cancelImports(ids: $ids, reason: $reason) {{ {RESULT_FIELDS} }} }}
"""


DECISIONS = [AuditAction.ACCEPTED, AuditAction.FORCED_ACCEPT, AuditAction.CANCELED]  # audit actions of a decision


async def accept_many(server: Server, token: str, ids: list[str], **args: Any) -> dict[str, Any]:
    return (await server.execute(ACCEPT_MANY, {"ids": ids, **args}, token=token))["acceptImports"]


async def cancel_many(server: Server, token: str, ids: list[str], **args: Any) -> dict[str, Any]:
    return (await server.execute(CANCEL_MANY, {"ids": ids, **args}, token=token))["cancelImports"]


def outcomes(payload: dict[str, Any]) -> list[str]:
    return [r["userErrors"][0]["code"] if r["userErrors"] else "OK" for r in payload["results"]]


async def pending_ids(server: Server, token: str, store_id: str, shopify: Any, count: int, **order: Any) -> list[str]:
    """``count`` new orders imported by time; their ids, by order number."""
    for minutes in range(1, count + 1):
        add(shopify, minutes, **order)
    await import_orders(server, token, store_id, hours=1)
    return [r["id"] for r in sorted(await pending(server, token, first=100), key=lambda r: r["orderNumber"])]


async def test_mixed_outcomes_come_back_in_input_order(server, token, store_id, shopify, shopify_url):
    first, decided, last = await pending_ids(server, token, store_id, shopify, 3)
    await server.execute(ACCEPT, {"id": decided}, token=token)
    add(shopify, 30, financial_status="PENDING", name="#2001")
    await import_orders(server, token, store_id, orderId="#2001")
    [unpaid] = [r["id"] for r in await pending(server, token) if r["orderNumber"] == "#2001"]
    bob = await new_token("bob")
    connected = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Bob's shop",
            "credentials": {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"},
            "apiBaseUrl": shopify_url,
        },
        token=bob,
    )
    await import_orders(server, bob, connected["connectStore"]["store"]["id"], orderId="#1001")
    [bobs] = [r["id"] for r in await pending(server, bob)]
    missing = str(uuid.uuid4())
    ids = [first, missing, decided, "not-an-id", bobs, unpaid, last]

    payload = await accept_many(server, token, ids)

    assert payload["userErrors"] == []
    assert [r["id"] for r in payload["results"]] == ids
    assert outcomes(payload) == [
        "OK",
        "NOT_FOUND",
        "ALREADY_DECIDED",
        "NOT_FOUND",
        "NOT_FOUND",
        "PAYMENT_NOT_CAPTURED",
        "OK",
    ]
    assert (payload["succeeded"], payload["failed"]) == (2, 5)
    results = payload["results"]
    for position in (1, 2, 3, 4, 5):
        assert results[position]["userErrors"][0]["field"] == ["ids", str(position)]
        assert results[position]["transaction"] is None
    for position in (0, 6):
        assert results[position]["importedOrder"]["status"] == "ACCEPTED"
        assert results[position]["transaction"]["source"] == "IMPORT"
        assert results[position]["transaction"]["orderNumber"] == results[position]["importedOrder"]["orderNumber"]
    assert results[2]["importedOrder"] == {
        "id": decided,
        "orderNumber": "#1002",
        "status": "ACCEPTED",
        "cancelReason": None,
    }
    assert [results[p]["importedOrder"] for p in (1, 3, 4, 5)] == [None] * 4
    assert await Transaction.all().count() == 3  # the earlier single accept, and this call's two
    assert (await ImportedOrder.get(id=bobs)).status == ImportStatus.PENDING
    assert (await ImportedOrder.get(id=unpaid)).status == ImportStatus.PENDING

    forced = await accept_many(server, token, [unpaid], force=True)

    assert outcomes(forced) == ["OK"]
    assert forced["results"][0]["importedOrder"]["status"] == "ACCEPTED"


async def test_an_id_listed_twice_is_decided_once(server, token, store_id, shopify):
    [order] = await pending_ids(server, token, store_id, shopify, 1)

    payload = await accept_many(server, token, [order, order])

    assert outcomes(payload) == ["OK", "INVALID_INPUT"]
    assert (payload["succeeded"], payload["failed"]) == (1, 1)
    again = payload["results"][1]
    assert again["userErrors"][0]["field"] == ["ids", "1"]
    assert "position 0" in again["userErrors"][0]["message"]
    assert again["importedOrder"] == payload["results"][0]["importedOrder"]
    assert again["transaction"] is None
    assert await Transaction.all().count() == 1
    assert await AuditEvent.filter(imported_order_id=order, action__in=DECISIONS).count() == 1


async def test_each_decided_order_is_removed_from_the_pending_list_once(server, token, store_id, shopify):
    ids = await pending_ids(server, token, store_id, shopify, 5)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)

        accepted = await accept_many(server, token, [*ids[:3], ids[0]])
        canceled = await cancel_many(server, token, [*ids[3:], ids[1]])
        events = [(await ws.next())["pendingImports"] for _ in range(5)]

        assert await ws.nothing_within(0.2)
    assert (accepted["succeeded"], canceled["succeeded"]) == (3, 2)
    assert [(e["change"], e["order"]["id"], e["order"]["status"]) for e in events] == [
        ("REMOVED", order, "ACCEPTED" if n < 3 else "CANCELED") for n, order in enumerate(ids)
    ]


async def test_cancel_with_a_reason(server, token, store_id, shopify):
    ids = await pending_ids(server, token, store_id, shopify, 3)

    payload = await cancel_many(server, token, ids[:2], reason="  duplicate of an earlier order  ")
    blank = await cancel_many(server, token, ids[2:], reason="   ")

    assert (payload["succeeded"], payload["failed"], blank["succeeded"]) == (2, 0, 1)
    assert [r["importedOrder"]["cancelReason"] for r in payload["results"]] == ["duplicate of an earlier order"] * 2
    assert [r["transaction"] for r in payload["results"]] == [None, None]
    assert blank["results"][0]["importedOrder"]["cancelReason"] is None
    assert {r.status for r in await ImportedOrder.all()} == {ImportStatus.CANCELED}
    assert await Transaction.all().count() == 0


@pytest.mark.parametrize("count", [0, 101])
async def test_fewer_than_one_or_more_than_a_hundred_ids_decide_nothing(server, token, store_id, shopify, count):
    [order] = await pending_ids(server, token, store_id, shopify, 1)
    ids = [order] + [str(uuid.uuid4()) for _ in range(count - 1)] if count else []

    for payload in (await accept_many(server, token, ids), await cancel_many(server, token, ids)):
        assert payload["results"] == []
        assert (payload["succeeded"], payload["failed"]) == (0, 0)
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["ids"])
    assert (await ImportedOrder.get(id=order)).status == ImportStatus.PENDING


async def test_a_hundred_ids_are_each_answered(server, token, store_id, shopify):
    [order] = await pending_ids(server, token, store_id, shopify, 1)
    ids = [str(uuid.uuid4()) for _ in range(99)] + [order]

    payload = await accept_many(server, token, ids)

    assert payload["userErrors"] == []
    assert outcomes(payload) == ["NOT_FOUND"] * 99 + ["OK"]
    assert (payload["succeeded"], payload["failed"]) == (1, 99)


async def test_an_id_over_its_length_limit_is_refused_before_anything_runs(server, token, store_id, shopify):
    [order] = await pending_ids(server, token, store_id, shopify, 1)

    payload = await accept_many(server, token, [order, "x" * 65])

    assert payload["results"] == []
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["ids"])]
    assert (await ImportedOrder.get(id=order)).status == ImportStatus.PENDING


async def test_a_read_only_token_decides_nothing(server, token, store_id, shopify):
    ids = await pending_ids(server, token, store_id, shopify, 2)
    viewer, _ = await make_token("alice", "viewer", read_only=True)

    for payload in (await accept_many(server, viewer, ids), await cancel_many(server, viewer, ids)):
        assert payload["results"] == []
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert {r.status for r in await ImportedOrder.all()} == {ImportStatus.PENDING}
    assert await AuditEvent.filter(action__in=DECISIONS).count() == 0


@pytest.mark.database
async def test_bulk_decisions_racing_single_ones_give_one_outcome_per_order(server, token, store_id, shopify):
    ids = await pending_ids(server, token, store_id, shopify, 12)
    calls = [accept_many(server, token, ids), cancel_many(server, token, ids[::-1], reason="race")]
    calls += [server.execute(ACCEPT, {"id": order}, token=token) for order in ids[::2]]
    calls += [server.execute(CANCEL, {"id": order}, token=token) for order in ids[1::2]]

    answers = await asyncio.gather(*calls)

    bulk_accept, bulk_cancel, singles = answers[0], answers[1], answers[2:]
    wins: Counter[str] = Counter()
    won: dict[str, str] = {}
    for result in [*bulk_accept["results"], *bulk_cancel["results"]]:
        assert outcomes({"results": [result]}) in (["OK"], ["ALREADY_DECIDED"])
        if not result["userErrors"]:
            wins[result["id"]] += 1
            won[result["id"]] = result["importedOrder"]["status"]
    for order, answer in zip([*ids[::2], *ids[1::2]], singles):
        payload = answer.get("acceptImport") or answer["cancelImport"]
        if not payload["userErrors"]:
            wins[order] += 1
            won[order] = payload["importedOrder"]["status"]
        else:
            assert payload["userErrors"][0]["code"] == "ALREADY_DECIDED"
    assert wins == Counter({order: 1 for order in ids})
    assert bulk_accept["succeeded"] + bulk_accept["failed"] == bulk_cancel["succeeded"] + bulk_cancel["failed"] == 12
    rows = {str(r.id): r for r in await ImportedOrder.all()}
    assert {order: rows[order].status.value for order in ids} == won
    accepted = [order for order in ids if won[order] == "ACCEPTED"]
    assert await Transaction.all().count() == len(accepted)
    assert await AuditEvent.filter(action__in=DECISIONS).count() == len(ids)
