"""Finding rows of the Transaction List: exact ids, numbers and emails; any part of the buyer's name."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from server.models import Store, TransactionSource
from server.services.transactions import record_transaction
from tests.graphql.queries import TRANSACTIONS

BUYERS = {
    "1001": ("Jane Doe", "jane@example.com"),
    "1002": ("ZOË ØRSTED", "zoe@example.com"),
    "1003": ("Straße 100% Kunde_1", None),
    "1004": (None, "nobody@example.com"),
}

# What the seller types, and the orders found.
SEARCHES = {
    "jane": {"1001"},
    "DOE": {"1001"},
    "ne d": {"1001"},
    "  Jane Doe ": {"1001"},
    "zoë": {"1002"},
    "ørs": {"1002"},
    "strasse": {"1003"},
    "100%": {"1003"},
    "%": {"1003"},
    "e_1": {"1003"},
    "_": {"1003"},
    "st": {"1002", "1003"},
    "jane@example.com": {"1001"},
    "JANE@EXAMPLE.COM": {"1001"},
    "jane@": set(),  # emails stay exact
    "#1002": {"1002"},
    "1004": {"1004"},
    "100": {"1003"},  # numbers stay exact: only the name "… 100% …" holds it
    "nobody": set(),
    "": {"1001", "1002", "1003", "1004"},
}


async def test_search_matches_part_of_the_buyers_name_ignoring_case(server, token, store_id):
    store = await Store.get(id=store_id)
    for order_id, (name, email) in BUYERS.items():
        async with in_transaction() as conn:
            await record_transaction(
                conn,
                seller_id=store.seller_id,
                store_id=store.id,
                platform="shopify",
                source=TransactionSource.WEBHOOK,
                order_id=order_id,
                order_number=f"#{order_id}",
                buyer_name=name,
                buyer_email=email,
                total_amount=Decimal("10"),
                currency="USD",
                line_items=[],
                placed_at=datetime.now(UTC),
            )

    answers = {}
    for search in SEARCHES:
        data = await server.execute(TRANSACTIONS, {"search": search}, token=token)
        answers[search] = {e["node"]["orderId"] for e in data["transactions"]["edges"]}

    assert answers == SEARCHES
