from __future__ import annotations

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import Transaction, TransactionConnection, TransactionEdge
from ..services import transactions
from .common import page_info, seller_of


async def resolve_transactions(
    info: Info[Context, None],
    platform: str | None = None,
    store: strawberry.ID | None = None,
    search: str | None = None,
    first: int | None = 50,
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
