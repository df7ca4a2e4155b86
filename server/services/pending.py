"""Reading the pending list and imported orders (their changes are ``services.orders``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..models import ImportedOrder, ImportStatus, Row, Seller
from .paging import Listing, Page, list_rows, parse_id, store_condition

# Read only when asked for: the platform's payload (2 KB and more) and the line items, both JSON to decode.
HEAVY = ("line_items", "payload")


async def list_pending(
    seller: Seller,
    *,
    platform: str | None,
    store_id: str | None,
    first: int | None,
    after: str | None,
    heavy: Collection[str] = (),
) -> Page[Row]:
    """The seller's pending orders, newest placed first, each with its light columns and the ``heavy`` ones
    asked for (the others None)."""
    where: list[tuple[str, Sequence[str]]] = [
        ('"seller_id" = ?', (str(seller.id),)),
        ('"status" = ?', (ImportStatus.PENDING.value,)),
    ]
    if platform is not None:
        where.append(('"platform" = ?', (platform,)))
    if store_id is not None:
        where.append(store_condition(store_id))
    unread = [name for name in HEAVY if name not in heavy]
    return await list_rows(Listing(ImportedOrder, "placed_at", where), first=first, after=after, unread=unread)


async def get_imported_order(seller: Seller, order_id: str) -> ImportedOrder | None:
    key = parse_id(order_id)
    return await ImportedOrder.filter(id=key, seller_id=seller.id).first() if key else None
