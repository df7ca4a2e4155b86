from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError, OrderChanged, PaymentNotCaptured, TestOrder
from ..platforms import ConnectorError
from ..schema.shared_events import SharedEvent
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
)
from ..services import imports, live, orders, pending
from . import nodes
from .common import (
    After,
    First,
    PlatformFilter,
    StoreFilter,
    actor_of,
    columns_for,
    connection,
    decided_order,
    node_fields,
    seller_of,
    user_errors,
)


class SharedPendingImportEvent(PendingImportEvent, SharedEvent):
    """One per update, to every subscriber of the seller's list in this process: each selection of it runs once."""


OrderId = Annotated[strawberry.ID, strawberry.argument(description="The imported order's id (ImportedOrder.id).")]
JobId = Annotated[strawberry.ID, strawberry.argument(description="The import job's id (ImportJob.id).")]
HEAVY_ORDER_FIELDS = {"lineItems": "line_items", "raw": "payload"}  # ImportedOrder fields read only when asked


async def resolve_pending_imports(
    info: Info[Context, None],
    platform: PlatformFilter = None,
    store: StoreFilter = None,
    first: First = 50,
    after: After = None,
) -> ImportedOrderConnection:
    asked = node_fields(info)
    page = await pending.list_pending(
        seller_of(info),
        platform=platform,
        store_id=store,
        first=first,
        after=after,
        heavy=columns_for(asked, HEAVY_ORDER_FIELDS),
    )
    if "store" in asked:
        await nodes.preload_stores(info, (row.store_id for row in page.items))
    return connection(page, ImportedOrderConnection, ImportedOrderEdge, partial(nodes.imported_order, info))


async def resolve_imported_order(
    info: Info[Context, None],
    id: Annotated[
        strawberry.ID, strawberry.argument(description="The imported order's id (ImportedOrder.id, not orderId).")
    ],
) -> ImportedOrder | None:
    row = await pending.get_imported_order(seller_of(info), id)
    return nodes.imported_order(info, row) if row else None


async def resolve_import_job(info: Info[Context, None], id: JobId) -> ImportJob | None:
    row = await imports.get_job(seller_of(info), id)
    return nodes.import_job(info, row) if row else None


async def resolve_import_jobs(
    info: Info[Context, None],
    platform: PlatformFilter = None,
    store: StoreFilter = None,
    first: First = 50,
    after: After = None,
) -> ImportJobConnection:
    page = await imports.list_jobs(seller_of(info), platform=platform, store_id=store, first=first, after=after)
    if "store" in node_fields(info):
        await nodes.preload_stores(info, (row.store_id for row in page.items))
    return connection(page, ImportJobConnection, ImportJobEdge, partial(nodes.import_job, info))


async def resolve_import_orders(
    info: Info[Context, None],
    platform: Annotated[str, strawberry.argument(description="The store's platform (Platform.id).")],
    store: Annotated[strawberry.ID, strawberry.argument(description="The store's id.")],
    order_id: Annotated[
        str | None,
        strawberry.argument(
            description="Import this one order: its id or number as the seller knows it (Platform.orderIdLabel), "
            "1 to 255 characters once trimmed."
        ),
    ] = None,
    order_ids: Annotated[
        list[str] | None,
        strawberry.argument(
            description="Import these orders in one job: 1 to 100 ids or numbers, each as orderId (trimmed, 1 to 255 "
            "characters); one the platform lacks is a NOT_FOUND line of the receipt."
        ),
    ] = None,
    hours: Annotated[
        int | None, strawberry.argument(description="Import every order placed in the last 1 to 6 hours.")
    ] = None,
    dry_run: Annotated[
        bool | None,
        strawberry.argument(
            description="A preview: fetch and judge the orders exactly as an import would and store none; the job's "
            "receipt says what the import would do."
        ),
    ] = False,
) -> ImportOrdersPayload:
    try:
        job = await imports.start_import(
            info.context.runtime,
            seller_of(info),
            platform=platform,
            store_id=store,
            order_ref=order_id,
            order_refs=order_ids,
            hours=hours,
            dry_run=bool(dry_run),
            started_by=actor_of(info),
        )
    except DomainError as exc:
        return ImportOrdersPayload(job=None, user_errors=user_errors(exc))
    return ImportOrdersPayload(job=nodes.import_job(info, job), user_errors=[])


Force = Annotated[
    bool | None,
    strawberry.argument(
        description="Accept although the payment is not captured, the platform canceled the order or it is a test "
        "order (the payment guard's PAYMENT_NOT_CAPTURED and TEST_ORDER); the goods are then released unpaid."
    ),
]


async def resolve_accept_import(info: Info[Context, None], id: OrderId, force: Force = False) -> AcceptImportPayload:
    seller = seller_of(info)
    try:
        row, transaction = await orders.accept(
            info.context.runtime, seller, id, actor=actor_of(info), force=bool(force)
        )
    except (DomainError, ConnectorError) as exc:
        if isinstance(exc, (PaymentNotCaptured, TestOrder, OrderChanged, ConnectorError)):  # the order as it stands
            found = await pending.get_imported_order(seller, id)
            order = nodes.imported_order(info, found) if found else None
        else:
            order = decided_order(info, exc)
        return AcceptImportPayload(imported_order=order, transaction=None, user_errors=user_errors(exc))
    return AcceptImportPayload(
        imported_order=nodes.imported_order(info, row),
        transaction=nodes.transaction(info, transaction),
        user_errors=[],
    )


async def resolve_cancel_import(
    info: Info[Context, None],
    id: OrderId,
    reason: Annotated[
        str | None,
        strawberry.argument(description="Why, kept with the order: up to 1000 characters once trimmed; blank: none."),
    ] = None,
) -> CancelImportPayload:
    try:
        row = await orders.cancel(info.context.runtime, seller_of(info), id, reason, actor=actor_of(info))
    except DomainError as exc:
        return CancelImportPayload(imported_order=decided_order(info, exc), user_errors=user_errors(exc))
    return CancelImportPayload(imported_order=nodes.imported_order(info, row), user_errors=[])


async def subscribe_pending_imports(
    info: Info[Context, None], platform: PlatformFilter = None, store: StoreFilter = None
) -> AsyncGenerator[PendingImportEvent, None]:
    async for update in live.watch_pending(info.context.runtime, seller_of(info), platform=platform, store_id=store):
        info.context.loaders = update.loaders  # the same for every subscriber of this process: rows read once
        event = update.shared.get("event")
        if not isinstance(event, SharedPendingImportEvent):
            event = update.shared["event"] = SharedPendingImportEvent(
                change=PendingImportChange(update.event.change), order=nodes.imported_order(info, update.order)
            )
        yield event


async def subscribe_import_job(info: Info[Context, None], id: JobId) -> AsyncGenerator[ImportJob, None]:
    async for row in live.watch_job(info.context.runtime, seller_of(info), id):
        info.context.fresh_loaders()
        yield nodes.import_job(info, row)
