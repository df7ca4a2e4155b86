from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import AuditEventConnection, AuditEventEdge
from ..services import audit
from . import nodes
from .common import After, First, StoreFilter, page_info, seller_of


async def resolve_audit_log(
    info: Info[Context, None],
    store: StoreFilter = None,
    imported_order: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only the entries of this imported order (its id); none: every entry."),
    ] = None,
    first: First = 50,
    after: After = None,
) -> AuditEventConnection:
    page = await audit.log(seller_of(info), store_id=store, imported_order_id=imported_order, first=first, after=after)
    return AuditEventConnection(
        edges=[AuditEventEdge(cursor=c, node=nodes.audit_event(info, r)) for r, c in zip(page.items, page.cursors)],
        page_info=page_info(page),
        total_count=page.total_count,
    )
