from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import (
    AcceptImportPayload,
    CancelImportPayload,
    ImportedOrder,
    ImportedOrderConnection,
    ImportedOrderEdge,
    ImportJob,
    ImportJobConnection,
    ImportJobEdge,
    ImportOrdersPayload,
    PendingImportChange,
    PendingImportEvent,
    Transaction,
)
from ..services import imports, live, pending
from .common import First, decided_order, page_info, seller_of, user_errors


async def resolve_pending_imports(
    info: Info[Context, None],
    platform: str | None = None,
    store: strawberry.ID | None = None,
    first: First = 50,
    after: str | None = None,
) -> ImportedOrderConnection:
    page = await pending.list_pending(seller_of(info), platform=platform, store_id=store, first=first, after=after)
    return ImportedOrderConnection(
        edges=[ImportedOrderEdge(cursor=c, node=ImportedOrder.from_row(r)) for r, c in zip(page.items, page.cursors)],
        page_info=page_info(page),
        total_count=page.total_count,
    )


async def resolve_imported_order(info: Info[Context, None], id: strawberry.ID) -> ImportedOrder | None:
    row = await pending.get_imported_order(seller_of(info), id)
    return ImportedOrder.from_row(row) if row else None


async def resolve_import_job(info: Info[Context, None], id: strawberry.ID) -> ImportJob | None:
    row = await pending.get_job(seller_of(info), id)
    return ImportJob.from_row(row) if row else None


async def resolve_import_jobs(
    info: Info[Context, None],
    platform: str | None = None,
    store: strawberry.ID | None = None,
    first: First = 50,
    after: str | None = None,
) -> ImportJobConnection:
    page = await imports.list_jobs(seller_of(info), platform=platform, store_id=store, first=first, after=after)
    return ImportJobConnection(
        edges=[ImportJobEdge(cursor=c, node=ImportJob.from_row(r)) for r, c in zip(page.items, page.cursors)],
        page_info=page_info(page),
        total_count=page.total_count,
    )


async def resolve_import_orders(
    info: Info[Context, None],
    platform: str,
    store: strawberry.ID,
    order_id: str | None = None,
    hours: int | None = None,
) -> ImportOrdersPayload:
    try:
        job = await imports.start_import(
            info.context.runtime, seller_of(info), platform=platform, store_id=store, order_ref=order_id, hours=hours
        )
    except DomainError as exc:
        return ImportOrdersPayload(job=None, user_errors=user_errors(exc))
    return ImportOrdersPayload(job=ImportJob.from_row(job), user_errors=[])


async def resolve_accept_import(info: Info[Context, None], id: strawberry.ID) -> AcceptImportPayload:
    try:
        row, transaction = await pending.accept_import(info.context.runtime, seller_of(info), id)
    except DomainError as exc:
        return AcceptImportPayload(imported_order=decided_order(exc), transaction=None, user_errors=user_errors(exc))
    return AcceptImportPayload(
        imported_order=ImportedOrder.from_row(row), transaction=Transaction.from_row(transaction), user_errors=[]
    )


async def resolve_cancel_import(
    info: Info[Context, None], id: strawberry.ID, reason: str | None = None
) -> CancelImportPayload:
    try:
        row = await pending.cancel_import(info.context.runtime, seller_of(info), id, reason)
    except DomainError as exc:
        return CancelImportPayload(imported_order=decided_order(exc), user_errors=user_errors(exc))
    return CancelImportPayload(imported_order=ImportedOrder.from_row(row), user_errors=[])


async def subscribe_pending_imports(
    info: Info[Context, None], platform: str | None = None, store: strawberry.ID | None = None
) -> AsyncGenerator[PendingImportEvent, None]:
    async for change, row in live.watch_pending(
        info.context.runtime, seller_of(info), platform=platform, store_id=store
    ):
        info.context.fresh_loaders()
        yield PendingImportEvent(change=PendingImportChange(change), order=ImportedOrder.from_row(row))


async def subscribe_import_job(info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[ImportJob, None]:
    async for row in live.watch_job(info.context.runtime, seller_of(info), id):
        info.context.fresh_loaders()
        yield ImportJob.from_row(row)
