"""The seller's whole flow against the Shopify emulator: import, view, accept, cancel, restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from plugins.shopify.emulator import ShopifyEmulator
from server.models import ImportJob, Transaction, TransactionSource
from server.services.records import transaction_columns
from server.services.transactions import record_transaction
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_JOB, IMPORT_ORDERS, IMPORTED_ORDER, PENDING, TRANSACTIONS
from tests.support import Server


async def import_orders(server: Server, token: str, store: str, **args: Any) -> dict[str, Any]:
    data = await server.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store, **args}, token=token)
    return data["importOrders"]


async def pending(server: Server, token: str, **args: Any) -> list[dict[str, Any]]:
    data = await server.execute(PENDING, args, token=token)
    return [edge["node"] for edge in data["pendingImports"]["edges"]]


def add(shopify: ShopifyEmulator, minutes_ago: float, **kwargs: Any) -> dict[str, Any]:
    """An order placed ``minutes_ago`` before now (now, not when the module loaded: runs can be long)."""
    return shopify.add_order(created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago), **kwargs)


@pytest.mark.parametrize("typed", ["#1001", "1001", " #1001 ", "legacy", "gid"])
async def test_import_one_order_by_what_the_seller_types(server, token, store_id, shopify, typed):
    order = add(shopify, 600, total="25.50", email="ann@example.com", customer=("Ann", "Lee"))
    add(shopify, 500)
    ref = {"legacy": order["legacyResourceId"], "gid": order["id"]}.get(typed, typed)

    payload = await import_orders(server, token, store_id, orderId=ref)

    assert payload["userErrors"] == []
    job = payload["job"]
    assert (job["status"], job["method"], job["fetched"], job["imported"], job["skipped"]) == (
        "SUCCEEDED",
        "ORDER_ID",
        1,
        1,
        0,
    )
    assert job["orderId"] == ref.strip()
    [row] = await pending(server, token)
    assert row["orderNumber"] == "#1001"
    assert row["orderId"] == order["legacyResourceId"]
    assert row["status"] == "PENDING"
    assert (Decimal(row["total"]["amount"]), row["total"]["currencyCode"]) == (Decimal("25.50"), "USD")
    assert row["buyer"] == {"name": "Ann Lee", "email": "ann@example.com"}
    assert row["raw"]["name"] == "#1001"
    assert row["job"]["id"] == job["id"]


async def test_an_order_the_platform_does_not_have_fails_the_job(server, token, store_id, shopify):
    add(shopify, 30)

    job = (await import_orders(server, token, store_id, orderId="#9999"))["job"]

    assert job["status"] == "FAILED"
    assert job["errorCode"] == "ORDER_NOT_FOUND"
    assert "#9999" in job["error"]
    assert await pending(server, token) == []


async def test_import_by_hours_takes_exactly_the_window(server, token, store_id, shopify):
    inside = [add(shopify, m) for m in (1, 59, 119, 178)]
    for minutes in (182, 240, 60 * 7):
        add(shopify, minutes)

    job = (await import_orders(server, token, store_id, hours=3))["job"]

    assert (job["status"], job["fetched"], job["imported"], job["skipped"]) == ("SUCCEEDED", 4, 4, 0)
    assert job["hours"] == 3
    start, end = datetime.fromisoformat(job["windowStart"]), datetime.fromisoformat(job["windowEnd"])
    assert end - start == timedelta(hours=3)
    assert {row["orderNumber"] for row in await pending(server, token)} == {o["name"] for o in inside}


def skips(job: dict[str, Any]) -> tuple[int, ...]:
    return (job["skippedPending"], job["skippedAccepted"], job["skippedInTransactionList"], job["skippedCanceled"])


async def test_known_orders_are_skipped_and_counted_by_reason(server, token, store_id, shopify):
    for minutes in (10, 20, 30, 40):
        add(shopify, minutes)
    first = (await import_orders(server, token, store_id, hours=1))["job"]
    rows = sorted(await pending(server, token), key=lambda r: r["orderNumber"])
    await server.execute(ACCEPT, {"id": rows[0]["id"]}, token=token)
    await server.execute(CANCEL, {"id": rows[1]["id"]}, token=token)
    add(shopify, 5)
    listed = add(shopify, 6)
    await _list_by_webhook(server, store_id, listed["name"])

    again = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (first["fetched"], first["imported"], first["skipped"], skips(first)) == (4, 4, 0, (0, 0, 0, 0))
    assert (again["fetched"], again["imported"], again["skipped"]) == (6, 1, 5)
    assert skips(again) == (2, 1, 1, 1)  # pending, accepted, in the Transaction List, canceled
    assert len(await pending(server, token)) == 3
    stored = await ImportJob.get(id=again["id"])
    assert (stored.skipped_pending, stored.skipped_accepted) == (2, 1)


async def test_orders_already_in_the_transaction_list_are_skipped(server, token, store_id, shopify):
    listed = add(shopify, 15)
    add(shopify, 25)
    await _list_by_webhook(server, store_id, listed["name"])

    job = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (job["imported"], job["skipped"], job["skippedInTransactionList"]) == (1, 1, 1)
    assert [r["orderNumber"] for r in await pending(server, token)] != [listed["name"]]


async def test_accept_adds_exactly_one_succeeded_transaction(server, token, store_id, shopify):
    add(shopify, 5, total="12.00", email="Buyer@Example.com")
    await import_orders(server, token, store_id, orderId="#1001")
    [row] = await pending(server, token)

    accepted = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]

    assert accepted["userErrors"] == []
    assert accepted["importedOrder"]["status"] == "ACCEPTED"
    assert accepted["importedOrder"]["decidedAt"] is not None
    transaction = accepted["transaction"]
    assert (transaction["status"], transaction["source"], transaction["orderNumber"]) == (
        "SUCCEEDED",
        "IMPORT",
        "#1001",
    )
    assert (Decimal(transaction["total"]["amount"]), transaction["total"]["currencyCode"]) == (Decimal("12"), "USD")
    assert accepted["importedOrder"]["transaction"]["id"] == transaction["id"]
    assert await pending(server, token) == []
    for search in ("#1001", "1001", "buyer@example.com", row["orderId"]):
        found = (await server.execute(TRANSACTIONS, {"search": search}, token=token))["transactions"]
        assert [e["node"]["id"] for e in found["edges"]] == [transaction["id"]], search
    again = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_DECIDED"]
    assert again["transaction"] is None
    assert again["importedOrder"] == accepted["importedOrder"]  # as it stands: who won, and when
    assert await Transaction.all().count() == 1


async def test_accepting_an_order_a_late_webhook_listed_links_to_that_row(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, orderId="#1001")
    [row] = await pending(server, token)
    webhook_row = await _list_by_webhook(server, store_id, "#1001")

    accepted = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]

    assert accepted["transaction"]["id"] == str(webhook_row.id)
    assert accepted["transaction"]["source"] == "WEBHOOK"
    assert await Transaction.all().count() == 1


async def test_cancel_keeps_the_order_out_until_restored_by_id(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, hours=1)
    [row] = await pending(server, token)

    canceled = (await server.execute(CANCEL, {"id": row["id"], "reason": "  test order "}, token=token))["cancelImport"]
    by_time = (await import_orders(server, token, store_id, hours=1))["job"]
    restored = (await import_orders(server, token, store_id, orderId="#1001"))["job"]

    assert canceled["userErrors"] == []
    assert (canceled["importedOrder"]["status"], canceled["importedOrder"]["cancelReason"]) == (
        "CANCELED",
        "test order",
    )
    assert (by_time["imported"], by_time["skipped"]) == (0, 1)
    assert (restored["status"], restored["imported"], restored["skipped"]) == ("SUCCEEDED", 1, 0)
    [back] = await pending(server, token)
    assert back["id"] == row["id"]
    assert (back["status"], back["cancelReason"], back["decidedAt"]) == ("PENDING", None, None)
    assert await Transaction.all().count() == 0


async def test_an_accepted_order_is_never_restored(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, orderId="#1001")
    [row] = await pending(server, token)
    await server.execute(ACCEPT, {"id": row["id"]}, token=token)

    job = (await import_orders(server, token, store_id, orderId="#1001"))["job"]

    assert (job["imported"], job["skipped"]) == (0, 1)
    view = (await server.execute(IMPORTED_ORDER, {"id": row["id"]}, token=token))["importedOrder"]
    assert view["status"] == "ACCEPTED"


async def test_view_one_imported_order_and_its_job(server, token, store_id, shopify):
    add(shopify, 5, line_items=[{"title": "Mug", "price": "7.25", "quantity": 2, "sku": "MUG-1"}])
    job = (await import_orders(server, token, store_id, orderId="#1001"))["job"]
    [row] = await pending(server, token)

    view = (await server.execute(IMPORTED_ORDER, {"id": row["id"]}, token=token))["importedOrder"]
    job_view = (await server.execute(IMPORT_JOB, {"id": job["id"]}, token=token))["importJob"]

    [item] = view["lineItems"]
    assert (item["sku"], item["name"], item["quantity"]) == ("MUG-1", "Mug", 2)
    assert (Decimal(item["unitPrice"]["amount"]), Decimal(item["total"]["amount"])) == (
        Decimal("7.25"),
        Decimal("14.50"),
    )
    assert item["total"]["currencyCode"] == "USD"
    assert Decimal(view["total"]["amount"]) >= Decimal("14.50")
    assert job_view["store"]["id"] == store_id
    assert job_view["status"] == "SUCCEEDED"


async def test_pending_list_pages_with_cursors(server, token, store_id, shopify):
    for minutes in range(1, 8):
        add(shopify, minutes)
    await import_orders(server, token, store_id, hours=1)

    seen, after = [], None
    while True:
        page = (await server.execute(PENDING, {"first": 3, "after": after}, token=token))["pendingImports"]
        assert page["totalCount"] == 7
        seen += [e["node"]["orderNumber"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [f"#{1000 + n}" for n in range(1, 8)]  # newest first: #1001 was added 1 minute ago


async def test_throttling_and_outages_are_survived(server, token, store_id, shopify):
    add(shopify, 5)
    shopify.throttle_next(2)
    shopify.fail_next(503, 1)

    job = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (job["status"], job["imported"]) == ("SUCCEEDED", 1)


@pytest.mark.parametrize(
    ("fault", "code"),
    [("outage", "PLATFORM_UNAVAILABLE"), ("garbage", "PLATFORM_BAD_RESPONSE")],
)
async def test_platform_faults_past_the_retries_fail_the_job_precisely(server, token, store_id, shopify, fault, code):
    add(shopify, 5)
    if fault == "outage":
        shopify.fail_next(503, 10)
    else:
        shopify.garbage_next(10)

    job = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (job["status"], job["errorCode"]) == ("FAILED", code)
    assert "shpat_test_token" not in job["error"]


async def test_refused_credentials_fail_the_job_with_platform_auth(server, token, store_id, shopify):
    shopify.rotate_token("shpat_rotated_token")  # the seller revoked the token on Shopify after connecting

    job = (await import_orders(server, token, store_id, orderId="#1001"))["job"]

    assert (job["status"], job["errorCode"]) == ("FAILED", "PLATFORM_AUTH")
    assert "shpat_test_token" not in job["error"]
    assert await ImportJob.filter(status="RUNNING").count() == 0


async def _list_by_webhook(server: Server, store_id: str, name: str) -> Transaction:
    """Put the platform's order ``name`` in the Transaction List, as a webhook would."""
    order = await _platform_order(server, store_id, name)
    async with in_transaction() as conn:
        return await record_transaction(
            conn,
            seller_id=(await _store(store_id)).seller_id,
            store_id=store_id,
            platform="shopify",
            source=TransactionSource.WEBHOOK,
            **transaction_columns(order),
        )


async def _store(store_id: str):  # type: ignore[no-untyped-def]
    from server.models import Store

    return await Store.get(id=store_id)


async def _platform_order(server: Server, store_id: str, name: str):  # type: ignore[no-untyped-def]
    from server.services.stores import open_connector

    connector = await open_connector(server.runtime, await _store(store_id))
    order = await connector.fetch_order(name)
    assert order is not None
    return order
