"""Reading the pending list and imported orders (their changes are ``services.orders``)."""

from __future__ import annotations

from ..models import ImportedOrder, ImportStatus, Seller
from .paging import Page, paginate, parse_id


async def list_pending(
    seller: Seller, *, platform: str | None, store_id: str | None, first: int | None, after: str | None
) -> Page[ImportedOrder]:
    query = ImportedOrder.filter(seller_id=seller.id, status=ImportStatus.PENDING)
    if platform is not None:
        query = query.filter(platform=platform)
    if store_id is not None:
        query = query.filter(store_id=parse_id(store_id))
    return await paginate(query, sort="placed_at", first=first, after=after)


async def get_imported_order(seller: Seller, order_id: str) -> ImportedOrder | None:
    key = parse_id(order_id)
    return await ImportedOrder.filter(id=key, seller_id=seller.id).first() if key else None
