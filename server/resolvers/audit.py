from __future__ import annotations

from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..schema.types import AuditEventConnection, AuditEventEdge
from ..services import audit
from . import nodes
from .common import After, First, StoreFilter, connection, seller_of


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
    return connection(page, AuditEventConnection, AuditEventEdge, partial(nodes.audit_event, info))
