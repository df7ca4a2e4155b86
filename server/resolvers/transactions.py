from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import TransactionConnection, TransactionEdge
from ..services import transactions
from . import nodes
from .common import After, First, PlatformFilter, StoreFilter, page_info, seller_of


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
    page = await transactions.list_transactions(
        seller_of(info), platform=platform, store_id=store, search=search, first=first, after=after
    )
    return TransactionConnection(
        edges=[TransactionEdge(cursor=c, node=nodes.transaction(info, r)) for r, c in zip(page.items, page.cursors)],
        page_info=page_info(page),
        total_count=page.total_count,
    )
