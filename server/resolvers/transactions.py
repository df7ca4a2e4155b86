from __future__ import annotations

from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import TransactionConnection, TransactionEdge
from ..services import transactions
from . import nodes
from .common import After, First, PlatformFilter, StoreFilter, columns_for, connection, node_fields, seller_of


async def resolve_transactions(
    info: Info[Context, None],
    platform: PlatformFilter = None,
    store: StoreFilter = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="An order id, an order number (with or without #) or a buyer's email, exactly but"
            ' ignoring case; or a part of the buyer\'s name, ignoring case ("jane" finds "Jane Doe"). Up to 255'
            " characters; blank: no search."
        ),
    ] = None,
    first: First = 50,
    after: After = None,
) -> TransactionConnection:
    asked = node_fields(info)
    page = await transactions.list_transactions(
        seller_of(info),
        platform=platform,
        store_id=store,
        search=search,
        first=first,
        after=after,
        heavy=columns_for(asked, {"lineItems": "line_items"}),
    )
    if "store" in asked:
        await nodes.preload_stores(info, (row.store_id for row in page.items))
    return connection(page, TransactionConnection, TransactionEdge, partial(nodes.transaction, info))
