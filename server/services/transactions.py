"""The Transaction List: one row per (store, order id), added by webhooks or accepted imports."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from ..errors import InvalidInput
from ..models import Row, Seller, Transaction, TransactionSource
from .paging import Listing, Page, list_rows, store_condition

MAX_SEARCH = 320


def number_key(order_number: str) -> str:
    return order_number.strip().removeprefix("#").casefold()


async def record_transaction(
    conn: BaseDBAsyncClient, *, seller_id: Any, store_id: Any, platform: str, source: TransactionSource, **columns: Any
) -> Transaction:
    """The store's row for ``columns["order_id"]``: inserted now, or the one already there (never changed)."""
    [row] = await record_transactions(
        conn, [{"seller_id": seller_id, "store_id": store_id, "platform": platform, "source": source, **columns}]
    )
    return row


async def record_transactions(conn: BaseDBAsyncClient, entries: Sequence[Mapping[str, Any]]) -> list[Transaction]:
    """``record_transaction`` of each entry (its seller_id, store_id, platform, source and columns) with two
    queries for them all; the rows in the entries' order."""
    rows = []
    for entry in entries:
        name, email = entry.get("buyer_name"), entry.get("buyer_email")
        rows.append(
            Transaction(
                number_key=number_key(entry["order_number"]),
                name_key=name.casefold() if name else None,
                email_key=email.casefold() if email else None,
                **entry,
            )
        )
    await Transaction.bulk_create(rows, ignore_conflicts=True, using_db=conn)
    stores, order_ids = {str(e["store_id"]) for e in entries}, {e["order_id"] for e in entries}
    found = await Transaction.filter(store_id__in=stores, order_id__in=order_ids).using_db(conn)
    by_key = {(str(row.store_id), row.order_id): row for row in found}
    return [by_key[(str(e["store_id"]), e["order_id"])] for e in entries]


async def list_transactions(
    seller: Seller,
    *,
    platform: str | None,
    store_id: str | None,
    search: str | None,
    first: int | None,
    after: str | None,
    heavy: Collection[str] = (),
) -> Page[Row]:
    """Newest first; ``search`` is an exact order id, order number or email, or a part of the buyer's name.
    Each row has its light columns and ``line_items`` when ``heavy`` holds it (None otherwise)."""
    where: list[tuple[str, Sequence[Any]]] = [('"seller_id" = ?', (str(seller.id),))]
    if platform is not None:
        where.append(('"platform" = ?', (platform,)))
    if store_id is not None:
        where.append(store_condition(store_id))
    if search is not None:
        term = search.strip()
        if len(term) > MAX_SEARCH:
            raise InvalidInput(f"search is longer than {MAX_SEARCH} characters", field="search")
        if term:
            key = term.casefold()
            part = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                (
                    '(UPPER("order_id") = UPPER(?) OR "number_key" = ? OR "email_key" = ?'
                    " OR \"name_key\" LIKE ? ESCAPE '\\')",
                    (term, number_key(term), key, part),
                )
            )
    unread = () if "line_items" in heavy else ("line_items",)  # JSON to decode: read only when asked for
    return await list_rows(Listing(Transaction, "created_at", where), first=first, after=after, unread=unread)
