"""Receipts, dry runs and imports of a list of ids, through the GraphQL API against the platforms' emulators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from plugins.shopify.emulator import ShopifyEmulator
from server.models import ApiToken, ImportedOrder, ImportJob, ImportReceiptLine, Seller, Transaction, TransactionSource
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL
from tests.graphql.test_every_platform import ALL_PLUGINS, DOUBLES
from tests.graphql.test_import_flow import _list_by_webhook, add, pending
from tests.support import GraphQLErrors, Server, running_server, serve_app, settings

IMPORT = """
mutation($platform: String!, $store: ID!, $orderId: String, $orderIds: [String!], $hours: Int, $dryRun: Boolean) {
  importOrders(platform: $platform, store: $store, orderId: $orderId, orderIds: $orderIds, hours: $hours,
               dryRun: $dryRun) {
    job { id status errorCode method orderId orderIds dryRun trigger startedBy fetched imported skipped
          skippedPending skippedAccepted skippedInTransactionList skippedCanceled notFound }
    userErrors { code field }
  }
}
"""
RECEIPT = """
query($id: ID!, $first: Int, $after: String) {
  importJob(id: $id) {
    receipt(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node {
        orderId orderNumber placedAt total { amount currencyCode } outcome importedOrder { id status }
        transaction { id source }
      } }
    }
  }
}
"""


async def run(server: Server, token: str, store: str, platform: str = "shopify", **args: Any) -> dict[str, Any]:
    data = await server.execute(IMPORT, {"platform": platform, "store": store, **args}, token=token)
    assert data["importOrders"]["userErrors"] == []
    job: dict[str, Any] = data["importOrders"]["job"]
    return job


async def receipt(server: Server, token: str, job_id: str, first: int = 100) -> list[dict[str, Any]]:
    """Every line of the job's receipt, page by page."""
    lines: list[dict[str, Any]] = []
    after = None
    while True:
        data = await server.execute(RECEIPT, {"id": job_id, "first": first, "after": after}, token=token)
        page = data["importJob"]["receipt"]
        lines += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(lines)
            return lines
        after = page["pageInfo"]["endCursor"]


def outcomes(lines: list[dict[str, Any]]) -> dict[str, str]:
    return {line["orderNumber"] or line["orderId"]: line["outcome"] for line in lines}


async def _mixed_store(server: Server, token: str, store: str, shopify: ShopifyEmulator) -> dict[str, str]:
    """Orders #1001..#1006 in every state an import can meet; their names by what the next import does."""
    for minutes in (10, 20, 30):  # #1001 accepted, #1002 canceled, #1003 pending
        add(shopify, minutes)
    await run(server, token, store, hours=1)
    rows = {row["orderNumber"]: row for row in await pending(server, token)}
    assert (await server.execute(ACCEPT, {"id": rows["#1001"]["id"]}, token=token))["acceptImport"]["userErrors"] == []
    assert (await server.execute(CANCEL, {"id": rows["#1002"]["id"]}, token=token))["cancelImport"]["userErrors"] == []
    add(shopify, 40)  # #1004 listed by a webhook
    await _list_by_webhook(server, store, "#1004")
    add(shopify, 5, total="12.50")  # #1005 new
    add(shopify, 62)  # #1006 placed just before the hour: the platform lists it (overlap), the window drops it
    return {
        "#1001": "ALREADY_ACCEPTED",
        "#1002": "CANCELED_BEFORE",
        "#1003": "ALREADY_PENDING",
        "#1004": "IN_TRANSACTION_LIST",
        "#1005": "IMPORTED",
        "#1006": "OUTSIDE_WINDOW",
    }


async def test_an_import_by_time_receipts_each_order_with_its_outcome(server, token, store_id, shopify):
    expected = await _mixed_store(server, token, store_id, shopify)

    job = await run(server, token, store_id, hours=1)
    lines = await receipt(server, token, job["id"], first=2)

    assert outcomes(lines) == expected
    assert (job["fetched"], job["imported"], job["skipped"]) == (5, 1, 4)
    by_number = {line["orderNumber"]: line for line in lines}
    new = by_number["#1005"]
    assert new["importedOrder"]["status"] == "PENDING"
    assert (Decimal(new["total"]["amount"]), new["total"]["currencyCode"]) == (Decimal("12.50"), "USD")
    assert new["placedAt"] is not None and new["transaction"] is None
    assert by_number["#1001"]["importedOrder"]["status"] == "ACCEPTED"
    assert by_number["#1001"]["transaction"]["source"] == "IMPORT"
    assert by_number["#1004"]["transaction"]["source"] == "WEBHOOK"
    assert by_number["#1002"]["importedOrder"]["status"] == "CANCELED"
    assert by_number["#1006"]["importedOrder"] is None
    stored = await ImportReceiptLine.filter(job_id=job["id"]).order_by("position").values_list("position", flat=True)
    assert stored == list(range(6))


async def test_an_import_by_id_restores_a_canceled_order_and_says_so(server, token, store_id, shopify):
    await _mixed_store(server, token, store_id, shopify)

    job = await run(server, token, store_id, orderId="#1002")

    [line] = await receipt(server, token, job["id"])
    assert (line["orderNumber"], line["outcome"], line["importedOrder"]["status"]) == ("#1002", "RESTORED", "PENDING")
    assert (job["imported"], job["skipped"]) == (1, 0)


async def test_a_single_order_the_platform_lacks_fails_the_job_with_its_not_found_line(
    server, token, store_id, shopify
):
    job = await run(server, token, store_id, orderId=" #9999 ")

    assert (job["status"], job["errorCode"]) == ("FAILED", "ORDER_NOT_FOUND")
    [line] = await receipt(server, token, job["id"])
    assert line == {
        "orderId": "#9999",
        "orderNumber": None,
        "placedAt": None,
        "total": None,
        "outcome": "NOT_FOUND",
        "importedOrder": None,
        "transaction": None,
    }


async def test_a_dry_run_stores_nothing_and_the_real_import_does_what_it_said(server, token, store_id, shopify):
    expected = await _mixed_store(server, token, store_id, shopify)
    before = await ImportedOrder.all().count()
    dry = await run(server, token, store_id, hours=1, dryRun=True)
    dry_by_id = await run(server, token, store_id, orderIds=["#1002", "#1003", "#1005", "#4040"], dryRun=True)
    dry_lines, dry_id_lines = await receipt(server, token, dry["id"]), await receipt(server, token, dry_by_id["id"])

    assert await ImportedOrder.all().count() == before
    assert [row["orderNumber"] for row in await pending(server, token)] == ["#1003"]
    assert (dry["dryRun"], dry["status"], dry["fetched"], dry["imported"], dry["skipped"]) == (
        True,
        "SUCCEEDED",
        5,
        1,
        4,
    )
    assert outcomes(dry_lines) == expected
    assert outcomes(dry_id_lines) == {
        "#1002": "RESTORED",
        "#1003": "ALREADY_PENDING",
        "#1005": "IMPORTED",
        "#4040": "NOT_FOUND",
    }
    new = next(line for line in dry_lines if line["orderNumber"] == "#1005")
    assert new["importedOrder"] is None  # a dry run made none

    real = await run(server, token, store_id, hours=1)
    real_by_id = await run(server, token, store_id, orderIds=["#1002", "#1003", "#4040"])

    assert outcomes(await receipt(server, token, real["id"])) == outcomes(dry_lines)
    assert (real["fetched"], real["imported"], real["skipped"]) == (dry["fetched"], dry["imported"], dry["skipped"])
    assert outcomes(await receipt(server, token, real_by_id["id"])) == {
        "#1002": "RESTORED",
        "#1003": "ALREADY_PENDING",
        "#4040": "NOT_FOUND",
    }
    assert real["dryRun"] is False


async def test_a_list_of_ids_is_one_job_with_a_line_per_id_in_the_order_given(server, token, store_id, shopify):
    orders = [add(shopify, 10 + n) for n in range(6)]
    asked = [" #1003", "#1001", orders[4]["legacyResourceId"], "#1001", "NOPE", "#1006 "]

    job = await run(server, token, store_id, orderIds=asked)

    assert (job["status"], job["method"], job["orderId"]) == ("SUCCEEDED", "ORDER_ID", None)
    assert job["orderIds"] == ["#1003", "#1001", orders[4]["legacyResourceId"], "NOPE", "#1006"]
    lines = await receipt(server, token, job["id"])
    assert [(line["orderNumber"] or line["orderId"], line["outcome"]) for line in lines] == [
        ("#1003", "IMPORTED"),
        ("#1001", "IMPORTED"),
        ("#1005", "IMPORTED"),
        ("NOPE", "NOT_FOUND"),
        ("#1006", "IMPORTED"),
    ]
    assert (job["fetched"], job["imported"], job["skipped"]) == (4, 4, 0)
    assert len(await pending(server, token)) == 4
    assert await ImportJob.filter(store_id=store_id).count() == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"orderIds": []}, "orderIds"),
        ({"orderIds": [f"#{n}" for n in range(101)]}, "orderIds"),
        ({"orderIds": ["#1001", "   "]}, "orderIds"),
        ({"orderIds": ["x" * 256]}, "orderIds"),
        ({"orderId": "#1001", "orderIds": ["#1001"]}, "orderIds"),
        ({"orderIds": ["#1001"], "hours": 1}, "hours"),
        ({}, "orderId"),
    ],
)
async def test_a_list_of_ids_outside_the_limits_is_invalid_input_and_no_job(server, token, store_id, args, field):
    data = await server.execute(IMPORT, {"platform": "shopify", "store": store_id, **args}, token=token)

    assert data["importOrders"]["job"] is None
    assert [(e["code"], e["field"]) for e in data["importOrders"]["userErrors"]] == [("INVALID_INPUT", [field])]
    assert await ImportJob.all().count() == 0


async def test_a_hundred_ids_are_one_job(server, token, store_id, shopify):
    for n in range(3):
        add(shopify, 10 + n)

    job = await run(server, token, store_id, orderIds=[f"#{1001 + n}" for n in range(100)])

    lines = await receipt(server, token, job["id"], first=30)
    assert (len(lines), job["imported"]) == (100, 3)
    assert [line["outcome"] for line in lines].count("NOT_FOUND") == 97


async def test_the_job_says_who_started_it(server, token, store_id, shopify):
    add(shopify, 10)

    job = await run(server, token, store_id, hours=1)

    name = (await ApiToken.get(seller__name="alice")).name
    assert (job["trigger"], job["startedBy"], job["dryRun"], job["orderIds"]) == (
        "SELLER",
        f"token:{name}",
        False,
        None,
    )


async def test_another_seller_cannot_read_a_jobs_receipt(server, token, store_id, shopify):
    add(shopify, 10)
    job = await run(server, token, store_id, hours=1)
    bob = await new_token("bob")

    theirs = await server.execute(RECEIPT, {"id": job["id"]}, token=bob)
    mine = await server.execute(RECEIPT, {"id": job["id"]}, token=token)

    assert theirs["importJob"] is None
    assert mine["importJob"]["receipt"]["totalCount"] == 1


async def test_receipt_pages_follow_their_cursors(server, token, store_id, shopify):
    for n in range(5):
        add(shopify, 10 + n)
    job = await run(server, token, store_id, hours=1)

    first = (await server.execute(RECEIPT, {"id": job["id"], "first": 2}, token=token))["importJob"]["receipt"]
    after = first["pageInfo"]["endCursor"]
    second = (await server.execute(RECEIPT, {"id": job["id"], "first": 2, "after": after}, token=token))["importJob"]
    with pytest.raises(GraphQLErrors) as bad:
        await server.execute(RECEIPT, {"id": job["id"], "after": "bm9wZQ"}, token=token)

    assert (first["totalCount"], first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (
        5,
        True,
        False,
    )
    assert second["receipt"]["pageInfo"]["hasPreviousPage"] is True
    numbers = [e["node"]["orderNumber"] for e in first["edges"] + second["receipt"]["edges"]]
    assert len(set(numbers)) == 4
    assert bad.value.args[0][0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.database
@pytest.mark.parametrize("platform", sorted(DOUBLES))
async def test_every_outcome_on_every_platform(platform: str) -> None:
    double = DOUBLES[platform]()
    now = datetime.now(UTC)
    accepted, canceled, kept, new, listed, early = (
        double.seed_order(now - timedelta(minutes=m)) for m in (20, 30, 40, 50, 60, 150)
    )
    # An hour of overlap: a 2-hour window asks the platform for 3 hours, so it lists the order of 150 minutes ago.
    overlap = settings(extra_plugins=ALL_PLUGINS, window_overlap_seconds=3600)
    async with running_server(overlap) as server, serve_app(double.app()) as url:
        token = await new_token("seller")
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": platform, "name": "Store", "credentials": dict(double.credentials()), "apiBaseUrl": url},
            token=token,
        )
        store = connected["connectStore"]["store"]["id"]
        refs = [accepted.references[0], "NOPE-404-404", canceled.references[-1], kept.references[0]]
        by_ids = await run(server, token, store, platform, orderIds=refs)
        rows = {row.order_id: str(row.id) for row in await ImportedOrder.all()}
        force = "mutation($id: ID!) { acceptImport(id: $id, force: true) { userErrors { code } } }"
        assert (await server.execute(force, {"id": rows[accepted.order_id]}, token=token))["acceptImport"] == {
            "userErrors": []
        }
        await server.execute(CANCEL, {"id": rows[canceled.order_id]}, token=token)
        seller = await Seller.get(name="seller")
        await Transaction.create(  # what a webhook listed, never imported
            seller=seller,
            store_id=store,
            platform=platform,
            order_id=listed.order_id,
            order_number=listed.order_number,
            number_key=listed.order_number.lower(),
            source=TransactionSource.WEBHOOK,
            total_amount=Decimal("1.00"),
            currency="USD",
            placed_at=now,
        )
        by_time = await run(server, token, store, platform, hours=2)
        restored = await run(server, token, store, platform, orderIds=[canceled.references[0]])
        lines = [await receipt(server, token, job["id"]) for job in (by_ids, by_time, restored)]

    assert [(line["orderId"], line["outcome"]) for line in lines[0]] == [
        (accepted.order_id, "IMPORTED"),
        ("NOPE-404-404", "NOT_FOUND"),
        (canceled.order_id, "IMPORTED"),
        (kept.order_id, "IMPORTED"),
    ]
    assert {line["orderId"]: line["outcome"] for line in lines[1]} == {
        accepted.order_id: "ALREADY_ACCEPTED",
        canceled.order_id: "CANCELED_BEFORE",
        kept.order_id: "ALREADY_PENDING",
        new.order_id: "IMPORTED",
        listed.order_id: "IN_TRANSACTION_LIST",
        early.order_id: "OUTSIDE_WINDOW",
    }
    assert [(line["orderId"], line["outcome"]) for line in lines[2]] == [(canceled.order_id, "RESTORED")]
    assert [job["notFound"] for job in (by_ids, by_time, restored)] == [1, 0, 0]
    assert (by_ids["fetched"], by_ids["imported"]) == (3, 3)
