"""How values are written in answers: money with its currency's minor units, times as toISOString writes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from strawberry.exceptions import StrawberryInputCoercionError
from tortoise.transactions import in_transaction

from server.models import ImportedOrder, ImportJob, Store, Transaction, TransactionSource
from server.money import with_minor_units
from server.schema.scalars import parse_datetime, serialize_datetime
from server.services.transactions import record_transaction
from tests.graphql.queries import ACCEPT, IMPORT_JOB
from tests.graphql.test_import_flow import add, import_orders, pending

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        ("264.6", "USD", "264.60"),
        ("39", "EUR", "39.00"),
        ("0", "GBP", "0.00"),
        ("1500.00", "JPY", "1500"),
        ("1500", "jpy", "1500"),
        ("25000", "KRW", "25000"),
        ("990.0", "ISK", "990"),
        ("1.5", "KWD", "1.500"),
        ("2", "BHD", "2.000"),
        ("0.25", "TND", "0.250"),
        ("1E+3", "USD", "1000.00"),
        ("12.3456", "USD", "12.3456"),  # more significant decimals than the currency has: kept, never rounded
        ("12.34560", "USD", "12.3456"),
        ("12.3400", "USD", "12.34"),
        ("7.5", "JPY", "7.5"),
        ("1.2345", "KWD", "1.2345"),
        ("3.1", "XYZ", "3.10"),  # an unknown code: two decimals
    ],
)
def test_amounts_carry_the_currencys_minor_units(amount, currency, written):
    assert str(with_minor_units(Decimal(amount), currency)) == written


async def test_every_money_in_answers_has_its_minor_units(server, token, store_id):
    store = await Store.get(id=store_id)
    for number, (total, currency, unit) in enumerate(
        [("264.6", "USD", "132.3"), ("1500.00", "JPY", "750"), ("1.5", "KWD", "0.75"), ("12.3456", "USD", "6.1728")]
    ):
        async with in_transaction() as conn:
            await record_transaction(
                conn,
                seller_id=store.seller_id,
                store_id=store.id,
                platform="shopify",
                source=TransactionSource.WEBHOOK,
                order_id=str(number),
                order_number=f"#{number}",
                buyer_name=None,
                buyer_email=None,
                total_amount=Decimal(total),
                currency=currency,
                line_items=[
                    {
                        "name": "Item",
                        "sku": None,
                        "quantity": 2,
                        "unit_price": {"amount": unit, "currency": currency},
                        "total": {"amount": total, "currency": currency},
                    }
                ],
                placed_at=datetime.now(UTC),
            )
    query = """{ transactions { edges { node {
        orderId total { amount currencyCode } lineItems { unitPrice { amount } total { amount } }
    } } } }"""

    edges = (await server.execute(query, token=token))["transactions"]["edges"]

    written = {
        e["node"]["orderId"]: (
            e["node"]["total"]["amount"],
            e["node"]["total"]["currencyCode"],
            e["node"]["lineItems"][0]["unitPrice"]["amount"],
            e["node"]["lineItems"][0]["total"]["amount"],
        )
        for e in edges
    }
    assert written == {
        "0": ("264.60", "USD", "132.30", "264.60"),
        "1": ("1500", "JPY", "750", "1500"),
        "2": ("1.500", "KWD", "0.750", "1.500"),
        "3": ("12.3456", "USD", "6.1728", "12.3456"),
    }


async def test_imported_orders_write_money_the_same_way(server, token, store_id, shopify):
    add(shopify, 5, total="39", line_items=[{"title": "Mug", "price": "19.5", "quantity": 2}])
    await import_orders(server, token, store_id, orderId="#1001")

    [row] = await pending(server, token)

    assert row["total"] == {"amount": "39.00", "currencyCode": "USD"}
    [item] = row["lineItems"]
    assert (item["unitPrice"]["amount"], item["total"]["amount"]) == ("19.50", "39.00")


async def test_every_datetime_is_utc_with_milliseconds_and_a_z(server, token, store_id, shopify):
    add(shopify, 5)
    job = (await import_orders(server, token, store_id, hours=2))["job"]
    [row] = await pending(server, token)
    accepted = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]
    query = """query($id: ID!) {
      importedOrder(id: $id) { placedAt importedAt decidedAt store { createdAt } }
      transactions { edges { node { placedAt createdAt } } }
    }"""

    data = await server.execute(query, {"id": row["id"]}, token=token)
    job_view = (await server.execute(IMPORT_JOB, {"id": job["id"]}, token=token))["importJob"]

    order, [transaction] = data["importedOrder"], data["transactions"]["edges"]
    written = {
        "placedAt": order["placedAt"],
        "importedAt": order["importedAt"],
        "decidedAt": order["decidedAt"],
        "store.createdAt": order["store"]["createdAt"],
        "transaction.placedAt": transaction["node"]["placedAt"],
        "transaction.createdAt": transaction["node"]["createdAt"],
        "job.startedAt": job_view["startedAt"],
        "job.finishedAt": job_view["finishedAt"],
        "job.windowStart": job_view["windowStart"],
        "job.windowEnd": job_view["windowEnd"],
    }
    assert {k: v for k, v in written.items() if not ISO_MS_Z.match(v)} == {}
    assert accepted["importedOrder"]["decidedAt"] == order["decidedAt"]
    stored_order = await ImportedOrder.get(id=row["id"])
    stored_job = await ImportJob.get(id=job["id"])
    stored_transaction = await Transaction.get(id=accepted["transaction"]["id"])
    for text, moment in (
        (order["importedAt"], stored_order.imported_at),
        (job_view["windowStart"], stored_job.window_start),
        (transaction["node"]["createdAt"], stored_transaction.created_at),
    ):
        assert datetime.fromisoformat(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 12, 7, 14, 10, 30, 123456, tzinfo=UTC), "2026-12-07T14:10:30.123Z"),
        (datetime(2026, 12, 7, 14, 10, 30, tzinfo=UTC), "2026-12-07T14:10:30.000Z"),
        (datetime(2026, 12, 7, 16, 10, 30, 999999, tzinfo=timezone(timedelta(hours=2))), "2026-12-07T14:10:30.999Z"),
        (datetime(2026, 12, 7, 14, 10, 30, 1000), "2026-12-07T14:10:30.001Z"),  # naive: taken as UTC
    ],
)
def test_datetimes_are_written_as_to_iso_string_does(moment, written):
    assert serialize_datetime(moment) == written


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07T14:10:30.123Z",
        "2026-12-07T14:10:30.123+00:00",
        "2026-12-07T16:10:30.123+02:00",
        "2026-12-07T09:40:30.123-04:30",
        "2026-12-07T14:10:30.123000Z",
    ],
)
def test_datetimes_are_read_in_any_iso_8601_form_with_an_offset(text):
    assert parse_datetime(text) == datetime(2026, 12, 7, 14, 10, 30, 123000, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2026-12-07T14:10:30", "yesterday", "", 1765116630, None])
def test_datetimes_without_an_offset_or_not_iso_are_refused(value):
    with pytest.raises(StrawberryInputCoercionError):
        parse_datetime(value)
