"""Concurrent decisions and imports leave exactly one outcome."""

from __future__ import annotations

import asyncio
from collections import Counter

from server.models import ImportedOrder, Transaction
from tests.graphql.queries import ACCEPT, CANCEL
from tests.graphql.test_import_flow import add, import_orders, pending


async def _one_pending(server, token, store_id, shopify) -> str:
    add(shopify, 5)
    await import_orders(server, token, store_id, orderId="#1001")
    [row] = await pending(server, token)
    return row["id"]


def _codes(payloads) -> Counter[str]:
    return Counter(p["userErrors"][0]["code"] if p["userErrors"] else "OK" for p in payloads)


async def test_twenty_concurrent_accepts_give_one_transaction(server, token, store_id, shopify):
    order = await _one_pending(server, token, store_id, shopify)

    results = await asyncio.gather(*(server.execute(ACCEPT, {"id": order}, token=token) for _ in range(20)))

    payloads = [r["acceptImport"] for r in results]
    assert _codes(payloads) == {"OK": 1, "ALREADY_DECIDED": 19}
    assert await Transaction.all().count() == 1
    [winner] = [p for p in payloads if not p["userErrors"]]
    for loser in (p for p in payloads if p["userErrors"]):
        assert loser["importedOrder"] == winner["importedOrder"]
        assert loser["transaction"] is None
    assert (await ImportedOrder.get(id=order)).status == "ACCEPTED"


async def test_accept_racing_cancel_gives_one_outcome(server, token, store_id, shopify):
    for round_ in range(5):
        shopify_order = add(shopify, 5 + round_)
        await import_orders(server, token, store_id, orderId=shopify_order["name"])
        [row] = [r for r in await pending(server, token) if r["orderNumber"] == shopify_order["name"]]
        calls = [server.execute(ACCEPT, {"id": row["id"]}, token=token) for _ in range(3)]
        calls += [server.execute(CANCEL, {"id": row["id"]}, token=token) for _ in range(3)]

        results = await asyncio.gather(*calls)

        payloads = [r.get("acceptImport") or r["cancelImport"] for r in results]
        assert _codes(payloads) == {"OK": 1, "ALREADY_DECIDED": 5}
        final = await ImportedOrder.get(id=row["id"])
        winner = next(i for i, p in enumerate(payloads) if not p["userErrors"])
        assert final.status == ("ACCEPTED" if winner < 3 else "CANCELED")
        assert await Transaction.filter(order_id=final.order_id).count() == (1 if winner < 3 else 0)
        for loser in (p for p in payloads if p["userErrors"]):
            assert loser["importedOrder"] == payloads[winner]["importedOrder"]  # the order as the winner left it


async def test_concurrent_imports_of_one_window_store_each_order_once(server, token, store_id, shopify):
    for minutes in range(1, 41):
        add(shopify, minutes)

    # Four different windows over the same orders: four jobs (an identical running import would be answered
    # with the job already running).
    payloads = await asyncio.gather(*(import_orders(server, token, store_id, hours=h) for h in (1, 2, 3, 4)))

    jobs = [p["job"] for p in payloads]
    assert all(j["status"] == "SUCCEEDED" for j in jobs)
    assert sum(j["imported"] for j in jobs) == 40
    assert all(j["imported"] + j["skipped"] == 40 for j in jobs)
    assert await ImportedOrder.all().count() == 40
