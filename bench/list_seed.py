"""The rows ``list_queries.py`` lists: one seller, a few stores, N pending orders, N transactions, N/10 jobs.

Rows go in with ``executemany`` over the app's own database connection, each value converted by its model
field (so SQLite and PostgreSQL store exactly what the app would). Payloads look like a Shopify order of
about 2.4 KB with two or three line items; times are spread over the last 90 days. The tables are analyzed
afterwards (PostgreSQL: vacuumed too), as a database in service would be.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.models import Model

from server.crypto import CredentialsCipher
from server.models import ImportedOrder, ImportJob, Seller, Store, Transaction

__all__ = ["Seeded", "seed"]

STORES = (("shopify", "Main shop"), ("shopify", "Outlet"), ("woocommerce", "Blog shop"), ("ebay", "eBay"))
BATCH = 2000
SPAN = timedelta(days=90)
PRODUCTS = [(f"SKU-{n:04d}", f"Product {n} — organic cotton tee, size {'SML'[n % 3]}") for n in range(200)]
FIRST = ["Ada", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Alan", "Radia"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Turing"]


class Seeded:
    """What was seeded: the seller's id and its stores' ids."""

    def __init__(self, seller_id: uuid.UUID, store_ids: Sequence[uuid.UUID]) -> None:
        self.seller_id = seller_id
        self.store_ids = list(store_ids)


async def _insert(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """``rows`` (attribute → Python value) as one executemany, each value converted by its field."""
    meta = model._meta
    names = list(rows[0])
    db = connections.get("default")
    columns = [meta.fields_map[name].source_field or name for name in names]
    converters = [meta.fields_map[name].to_db_value for name in names]
    if db.capabilities.dialect == "postgres":
        marks = ", ".join(f"${n}" for n in range(1, len(names) + 1))
    else:
        marks = ", ".join("?" for _ in names)
    quoted = ", ".join(f'"{column}"' for column in columns)
    sql = f'INSERT INTO "{meta.db_table}" ({quoted}) VALUES ({marks})'
    values = [[convert(row[name], None) for name, convert in zip(names, converters)] for row in rows]
    await db.execute_many(sql, values)


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(amount), "currency": currency}


def _order(rng: random.Random, n: int, placed_at: datetime) -> dict[str, Any]:
    """The columns an order keeps, and a Shopify-shaped payload of about 2.4 KB."""
    currency = rng.choice(("USD", "USD", "EUR", "GBP", "JPY"))
    lines = []
    total = Decimal(0)
    for sku, name in rng.sample(PRODUCTS, rng.randint(2, 3)):
        quantity = rng.randint(1, 3)
        price = Decimal(rng.randint(500, 9900)) if currency == "JPY" else Decimal(rng.randint(500, 9900)) / 100
        total += price * quantity
        lines.append(
            {
                "name": name,
                "sku": sku,
                "quantity": quantity,
                "unit_price": _money(price, currency),
                "total": _money(price * quantity, currency),
            }
        )
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first.lower()}.{last.lower()}{n}@example.com"
    address = {
        "first_name": first,
        "last_name": last,
        "address1": f"{rng.randint(1, 999)} Market Street",
        "address2": f"Suite {rng.randint(100, 999)}",
        "city": "San Francisco",
        "province": "California",
        "province_code": "CA",
        "zip": f"94{rng.randint(100, 199)}",
        "country": "United States",
        "country_code": "US",
        "phone": f"+1 415 555 {rng.randint(1000, 9999)}",
    }
    payload = {
        "id": f"gid://shopify/Order/{5_000_000_000 + n}",
        "name": f"#{1000 + n}",
        "createdAt": placed_at.isoformat(),
        "processedAt": placed_at.isoformat(),
        "email": email,
        "currencyCode": currency,
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "test": False,
        "tags": ["web", "newsletter"],
        "note": "Please gift wrap the items and leave the parcel with the concierge if nobody answers.",
        "customer": {"id": f"gid://shopify/Customer/{7_000_000 + n}", "firstName": first, "lastName": last},
        "shippingAddress": address,
        "billingAddress": address,
        "totalPriceSet": {"shopMoney": _money(total, currency)},
        "subtotalPriceSet": {"shopMoney": _money(total, currency)},
        "totalTaxSet": {"shopMoney": _money(Decimal(0), currency)},
        "lineItems": {
            "nodes": [
                {
                    "id": f"gid://shopify/LineItem/{9_000_000_000 + n * 10 + i}",
                    "title": line["name"],
                    "sku": line["sku"],
                    "quantity": line["quantity"],
                    "variant": {"id": f"gid://shopify/ProductVariant/{40_000 + i}", "title": "Default Title"},
                    "originalUnitPriceSet": {"shopMoney": line["unit_price"]},
                    "discountedTotalSet": {"shopMoney": line["total"]},
                }
                for i, line in enumerate(lines)
            ]
        },
    }
    return {
        "order_id": f"{5_000_000_000 + n}",
        "order_number": f"#{1000 + n}",
        "placed_at": placed_at,
        "buyer_name": f"{first} {last}",
        "buyer_email": email,
        "total_amount": total,
        "currency": currency,
        "payment_status": "PAID",
        "test_order": False,
        "canceled": False,
        "line_items": lines,
        "payload": payload,
    }


def _times(rng: random.Random, count: int, now: datetime) -> Iterator[datetime]:
    for _ in range(count):
        yield now - timedelta(seconds=rng.uniform(60, SPAN.total_seconds()))


async def seed(orders: int, cipher: CredentialsCipher, *, seed: int = 1) -> Seeded:
    """A seller with ``STORES``, ``orders`` pending orders, as many transactions and a tenth as many jobs."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    seller = await Seller.create(name="bench")
    stores = [
        await Store.create(seller=seller, platform=platform, name=name, credentials=cipher.encrypt({"key": "x"}))
        for platform, name in STORES
    ]
    jobs = []
    for n, started_at in enumerate(_times(rng, max(1, orders // 10), now)):
        store = stores[n % len(stores)]
        jobs.append(
            {
                "id": uuid.uuid4(),
                "seller_id": seller.id,
                "store_id": store.id,
                "method": "TIME",
                "hours": 6,
                "window_start": started_at - timedelta(hours=6),
                "window_end": started_at,
                "status": "SUCCEEDED",
                "fetched": 12,
                "imported": 10,
                "skipped": 2,
                "skipped_pending": 1,
                "skipped_accepted": 1,
                "started_at": started_at,
                "finished_at": started_at + timedelta(seconds=2),
                "heartbeat_at": started_at + timedelta(seconds=2),
                "trigger": "SCHEDULE",
                "started_by": "schedule",
            }
        )
    for start in range(0, len(jobs), BATCH):
        await _insert(ImportJob, jobs[start : start + BATCH])
    for kind in (ImportedOrder, Transaction):
        batch: list[dict[str, Any]] = []
        offset = 0 if kind is ImportedOrder else orders
        for n, placed_at in enumerate(_times(rng, orders, now), offset):
            store = stores[n % len(stores)]
            columns = _order(rng, n, placed_at)
            common = {"id": uuid.uuid4(), "seller_id": seller.id, "store_id": store.id, "platform": store.platform}
            if kind is ImportedOrder:
                job = jobs[n % len(jobs)]
                row = common | columns | {"job_id": job["id"], "status": "PENDING", "platform_status": "paid"}
                row |= {"imported_at": placed_at + timedelta(minutes=5), "checked_at": placed_at + timedelta(minutes=5)}
            else:
                del columns["payload"]
                number = columns["order_number"].removeprefix("#")
                keys = {"number_key": number, "name_key": columns["buyer_name"].casefold()}
                keys |= {"email_key": columns["buyer_email"].casefold(), "source": "WEBHOOK", "status": "SUCCEEDED"}
                row = common | columns | keys | {"created_at": placed_at + timedelta(seconds=30)}
            batch.append(row)
            if len(batch) == BATCH:
                await _insert(kind, batch)
                batch = []
        if batch:
            await _insert(kind, batch)
    # What autovacuum (PostgreSQL) or a periodic ANALYZE would have done to a table this size: fresh statistics
    # for the planner, and PostgreSQL's visibility map for index-only scans.
    db = connections.get("default")
    await db.execute_script("VACUUM ANALYZE" if db.capabilities.dialect == "postgres" else "ANALYZE")
    return Seeded(seller.id, [store.id for store in stores])
