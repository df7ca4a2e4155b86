"""A page of an import is stored from plain values (services.inserts): what the rows hold must be what the
models would have written, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

import plugins.shopify
from server.models import AuditAction, AuditEvent, ImportedOrder, ImportJob, ImportReceiptLine, ImportStatus, Seller
from server.platforms import Buyer, Money, Order, hookimpl
from server.services.records import imported_columns, imported_values, order_of
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.test_import_flow import add, import_orders
from tests.support import running_server, serve_app, settings

pytestmark = pytest.mark.database


class Heard:
    """A partner plugin keeping each order it is told became pending."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}

    @hookimpl
    def order_pending(self, platform: str, store_id: str, order: Order) -> None:
        self.orders[order.order_id] = order


@pytest.fixture
async def shop(shopify):
    heard = Heard()
    async with (
        running_server(settings(extra_plugins=(plugins.shopify, heard))) as server,
        serve_app(shopify.app()) as url,
    ):
        token = await new_token("pat")
        credentials = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": "shopify", "name": "S", "credentials": credentials, "apiBaseUrl": url},
            token=token,
        )
        yield server, token, connected["connectStore"]["store"]["id"], heard


async def test_a_stored_order_reads_back_as_the_order_it_was_made_from(shop, shopify):
    server, token, store, heard = shop
    add(
        shopify,
        30,
        total="69.8400",
        email="zoë@example.com",
        customer=("Zoë", "Ångström \u2028"),
        line_items=[{"title": "Tée «x»", "price": "23.2800", "quantity": 3, "sku": "T-1"}],
    )

    job = (await import_orders(server, token, store, hours=1))["job"]

    assert (job["status"], job["imported"]) == ("SUCCEEDED", 1)
    [row] = await ImportedOrder.filter(store_id=store)
    order = heard.orders[row.order_id]
    assert order_of(row) == order
    assert {name: getattr(row, name) for name in imported_columns(order)} == imported_columns(order)
    assert str(row.total_amount) == str(order.total.amount) == "69.84"  # exact text, as the platform sent it
    assert row.placed_at == order.placed_at and row.placed_at.utcoffset() is not None
    assert (row.status, str(row.job_id), row.checked_at) == (ImportStatus.PENDING, job["id"], row.imported_at)


async def test_a_page_with_new_and_known_orders_stores_audits_and_receipts_only_the_new(shop, shopify):
    server, token, store, heard = shop
    for minutes in (50, 40):
        add(shopify, minutes)
    first = (await import_orders(server, token, store, hours=1))["job"]
    known = {row.order_id: row.id for row in await ImportedOrder.filter(store_id=store)}
    for minutes in (30, 20):
        add(shopify, minutes)

    second = (await import_orders(server, token, store, hours=1))["job"]

    assert (second["fetched"], second["imported"], second["skipped"]) == (4, 2, 2)
    rows = {row.order_id: row for row in await ImportedOrder.filter(store_id=store)}
    assert len(rows) == 4 and {oid: rows[oid].id for oid in known} == known  # the known rows are untouched
    fresh = set(rows) - set(known)
    assert {str(rows[oid].job_id) for oid in fresh} == {second["id"]}
    assert {str(rows[oid].job_id) for oid in known} == {first["id"]}
    lines = await ImportReceiptLine.filter(job_id=second["id"]).order_by("position")
    got: dict[str, Any] = {line.order_id: (line.outcome.value, line.imported_order_id) for line in lines}
    assert got == {oid: ("IMPORTED" if oid in fresh else "ALREADY_PENDING", rows[oid].id) for oid in rows}
    assert [line.position for line in lines] == [0, 1, 2, 3]
    seller = await Seller.get(name="pat")
    entries = await AuditEvent.filter(seller_id=seller.id, action=AuditAction.ORDER_IMPORTED, job_id=second["id"])
    assert sorted(str(e.imported_order_id) for e in entries) == sorted(str(rows[oid].id) for oid in fresh)
    started_by = (await ImportJob.get(id=second["id"])).started_by
    assert started_by.startswith("token:")
    assert [(e.actor, str(e.store_id), e.detail) for e in entries] == [(started_by, store, {})] * 2
    assert set(heard.orders) == set(rows)  # one order_pending per order made pending, in either job


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("order_number", {"order_number": "#" * 256}),
        ("buyer_email", {"buyer": Buyer(email="a" * 310 + "@example.com")}),
    ],
)
def test_a_text_longer_than_its_column_is_refused_on_sqlite_too(field, changes):
    base = {"order_id": "1", "order_number": "#1", "placed_at": datetime.now(UTC), "raw": {"id": 1}}
    order = Order(total=Money(Decimal("1.00"), "USD"), **base | changes)
    with pytest.raises(ValueError, match=field):
        imported_values(order)
