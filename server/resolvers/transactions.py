from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import Transaction, TransactionConnection, TransactionEdge
from ..services import transactions
from .common import First, page_info, seller_of


async def resolve_transactions(
    info: Info[Context, None],
    platform: str | None = None,
    store: strawberry.ID | None = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="An order id, an order number (with or without #) or a buyer's email, exactly but"
            ' ignoring case; or a part of the buyer\'s name, ignoring case ("jane" finds "Jane Doe").'
        ),
    ] = None,
    first: First = 50,
    after: str | None = None,
) -> TransactionConnection:
    page = await transactions.list_transactions(
        seller_of(info), platform=platform, store_id=store, search=search, first=first, after=after
    )
    return TransactionConnection(
        edges=[TransactionEdge(cursor=c, node=Transaction.from_row(r)) for r, c in zip(page.items, page.cursors)],
        page_info=page_info(page),
        total_count=page.total_count,
    )
