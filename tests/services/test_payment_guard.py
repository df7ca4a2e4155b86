"""The payment guard: an unpaid, canceled or test order is not accepted unless forced, and an order read long
ago is read again first, so a refund made on the platform after the import is seen before goods are released."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from server.events import pending_channel
from server.models import ImportedOrder, ImportStatus, Seller, Transaction
from server.settings import Settings, SettingsError
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import running_server, serve_app, settings

pytestmark = pytest.mark.database

ACCEPT = """
mutation($id: ID!, $force: Boolean) {
  acceptImport(id: $id, force: $force) {
    importedOrder { status paymentStatus platformStatus testOrder canceledOnPlatform }
    transaction { id }
    userErrors { code message field }
  }
}
"""


class Guarded:
    def __init__(self, server: Any, token: str, store: str, shopify: Any) -> None:
        self.server, self.token, self.store, self.shopify = server, token, store, shopify

    async def imported(self, **order: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """An order placed on the platform and imported by id: (the emulator's live record, the pending row)."""
        created = add(self.shopify, 30, **order)
        await import_orders(self.server, self.token, self.store, orderId=created["name"])
        [row] = [r for r in await pending(self.server, self.token) if r["orderNumber"] == created["name"]]
        return created, row

    async def accept(self, row: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
        data = await self.server.execute(ACCEPT, {"id": row["id"], "force": force}, token=self.token)
        return data["acceptImport"]


@asynccontextmanager
async def guarded_store(shopify: Any, recheck_seconds: int) -> AsyncIterator[Guarded]:
    """Gus's Shopify store on a server that reads an order again before a decision after ``recheck_seconds``."""
    async with running_server(settings(recheck_seconds=recheck_seconds)) as server, serve_app(shopify.app()) as url:
        token = await new_token("gus")
        credentials = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": "shopify", "name": "S", "credentials": credentials, "apiBaseUrl": url},
            token=token,
        )
        yield Guarded(server, token, connected["connectStore"]["store"]["id"], shopify)


@pytest.fixture(params=[600, 0], ids=["fresh", "always-rechecked"])
async def guarded(request, shopify):
    async with guarded_store(shopify, request.param) as flow:
        yield flow


@pytest.mark.parametrize("status", ["PENDING", "AUTHORIZED", "PARTIALLY_PAID", "REFUNDED", "VOIDED", "EXPIRED"])
async def test_an_order_whose_payment_is_not_captured_is_refused_unless_forced(guarded, status):
    _, row = await guarded.imported(financial_status=status)

    refused = await guarded.accept(row)
    forced = await guarded.accept(row, force=True)

    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("PAYMENT_NOT_CAPTURED", ["id"])]
    assert "force" in refused["userErrors"][0]["message"]
    assert refused["importedOrder"]["status"] == "PENDING" and refused["transaction"] is None
    assert forced["userErrors"] == [] and forced["importedOrder"]["status"] == "ACCEPTED"
    assert await Transaction.all().count() == 1


@pytest.mark.parametrize("status", ["PAID", "PARTIALLY_REFUNDED"])
async def test_a_captured_payment_is_accepted(guarded, status):
    _, row = await guarded.imported(financial_status=status)

    accepted = await guarded.accept(row)

    assert accepted["userErrors"] == [] and accepted["importedOrder"]["paymentStatus"] == status


async def test_an_order_canceled_on_the_platform_is_refused_unless_forced(guarded):
    _, row = await guarded.imported(financial_status="PAID", cancelled=True)

    refused = await guarded.accept(row)
    forced = await guarded.accept(row, force=True)

    assert [e["code"] for e in refused["userErrors"]] == ["PAYMENT_NOT_CAPTURED"]
    assert refused["importedOrder"]["canceledOnPlatform"] is True
    assert forced["importedOrder"]["status"] == "ACCEPTED"


async def test_a_refund_made_after_the_import_is_seen_before_the_decision(shopify):
    async with guarded_store(shopify, recheck_seconds=0) as flow:
        server = flow.server
        created, row = await flow.imported(financial_status="PAID")
        seller = await Seller.get(name="gus")
        created["displayFinancialStatus"] = "REFUNDED"  # the seller refunded it on Shopify meanwhile

        async with server.runtime.broker.subscribe(pending_channel(seller.id)) as events:
            changed = await flow.accept(row)
            update = await asyncio.wait_for(anext(events), 5)
        again = await flow.accept(row)
        forced = await flow.accept(row, force=True)

    assert [e["code"] for e in changed["userErrors"]] == ["ORDER_CHANGED"]
    assert changed["importedOrder"] | {"platformStatus": None} == {
        "status": "PENDING",
        "paymentStatus": "REFUNDED",
        "platformStatus": None,
        "testOrder": False,
        "canceledOnPlatform": False,
    }
    assert (update["change"], update["status"]) == ("UPDATED", "PENDING")
    assert [e["code"] for e in again["userErrors"]] == ["PAYMENT_NOT_CAPTURED"]  # now judged on what it says
    assert forced["importedOrder"]["status"] == "ACCEPTED"


async def test_a_fresh_order_is_not_read_again_and_a_stale_one_is(guarded):
    _, row = await guarded.imported(financial_status="PAID")
    guarded.shopify.fail_next(503, 20)  # the platform is down from now on

    answer = await guarded.accept(row)

    stored = await ImportedOrder.get(id=row["id"])
    if guarded.server.runtime.settings.recheck_seconds:  # read moments ago: decided without asking the platform
        assert answer["userErrors"] == [] and stored.status == ImportStatus.ACCEPTED
    else:  # must be read again, and cannot be: nothing is decided, and the seller is told why
        assert [e["code"] for e in answer["userErrors"]] == ["PLATFORM_UNAVAILABLE"]
        assert "could not be asked about this order again" in answer["userErrors"][0]["message"]
        assert stored.status == ImportStatus.PENDING and answer["importedOrder"]["status"] == "PENDING"


@pytest.mark.parametrize(("value", "seconds"), [("", 600), ("0", 0), ("30", 30)])
def test_the_recheck_age_is_a_setting(value, seconds):
    env = {"ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:", "ORDER_IMPORT_RECHECK_SECONDS": value}
    assert Settings.from_env(env).recheck_seconds == seconds


@pytest.mark.parametrize("value", ["-1", "ten", "1.5"])
def test_a_recheck_age_that_is_not_whole_seconds_is_refused(value):
    env = {"ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:", "ORDER_IMPORT_RECHECK_SECONDS": value}
    with pytest.raises(SettingsError, match="ORDER_IMPORT_RECHECK_SECONDS must be a whole number of seconds"):
        Settings.from_env(env)


async def test_a_bulk_accept_reads_stale_orders_again_and_judges_each(shopify):
    async with guarded_store(shopify, recheck_seconds=0) as flow:
        server = flow.server
        _, kept_row = await flow.imported(financial_status="PAID")
        refunded, refunded_row = await flow.imported(financial_status="PAID")
        refunded["displayFinancialStatus"] = "REFUNDED"  # refunded on Shopify after the import
        answer = await server.execute(
            "mutation($ids: [ID!]!) { acceptImports(ids: $ids) { succeeded failed"
            " results { id userErrors { code } importedOrder { status paymentStatus } } } }",
            {"ids": [kept_row["id"], refunded_row["id"]]},
            token=flow.token,
        )
        stored = await ImportedOrder.get(id=refunded_row["id"])

    bulk = answer["acceptImports"]
    assert (bulk["succeeded"], bulk["failed"]) == (1, 1)
    assert [([e["code"] for e in r["userErrors"]], r["importedOrder"]) for r in bulk["results"]] == [
        ([], {"status": "ACCEPTED", "paymentStatus": "PAID"}),
        (["ORDER_CHANGED"], None),
    ]
    assert (stored.status, stored.payment_status) == (ImportStatus.PENDING, "REFUNDED")
