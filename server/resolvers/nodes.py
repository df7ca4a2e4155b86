"""Object types built from rows for one request, with what only services know: a store's webhook URL and health.

Every type that leads to a store is given ``store_loader(info)``, so a store reached through any path (a
transaction's, a job's, an order's) is built here, through the request's DataLoader.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from functools import partial
from typing import Any, Generic, TypeVar, cast

from strawberry.types import Info

from .. import models
from ..context import Context
from ..schema.types import (
    AuditEvent,
    ImportedOrder,
    ImportJob,
    ImportOutcome,
    ImportReceiptConnection,
    ImportReceiptEdge,
    ImportReceiptLine,
    Money,
    ReceiptLoader,
    RecoveryLoader,
    RecoverySchedule,
    Store,
    StoreLoader,
    StoreSource,
    Transaction,
    WebhookHealth,
)
from ..services import imports, webhooks
from . import common  # a module: common imports this one

T = TypeVar("T")


def store(info: Info[Context, None], row: models.Store) -> Store:
    health = webhooks.webhook_health(row)
    return Store.from_row(
        row,
        webhook_url=webhooks.webhook_url(info.context.runtime, row),
        webhook_health=WebhookHealth(
            last_delivery_at=health.last_delivery_at,
            last_rejected_at=health.last_rejected_at,
            last_rejected_reason=health.last_rejected_reason,
            forged_count=health.forged_count,
            last_forged_at=health.last_forged_at,
            usual_gap_seconds=round(health.usual_gap.total_seconds()) if health.usual_gap else None,
            quiet=health.quiet,
            message=health.message,
        ),
        load_recovery=recovery_loader(info),
    )


def recovery_loader(info: Info[Context, None]) -> RecoveryLoader:
    async def load(store_id: uuid.UUID) -> RecoverySchedule:
        row = await info.context.loaders.recovery.load(store_id)
        return RecoverySchedule.from_row(row, store_loader(info), receipt_loader(info))

    return load


class _Later(Generic[T]):
    """An awaitable that makes its coroutine only once awaited: one the executor drops never started."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Coroutine[Any, Any, T]]) -> None:
        self._make = make

    def __await__(self) -> Generator[Any, None, T]:
        return self._make().__await__()


async def _load_store(info: Info[Context, None], store_id: uuid.UUID) -> Store:
    loaders = info.context.loaders  # the loaders of the moment (fresh per event)
    found = loaders.stores.get(store_id)
    if found is None:
        row = await loaders.store.load(store_id)
        assert row is not None  # a foreign key
        found = loaders.stores.setdefault(store_id, store(info, row))
    return cast(Store, found)


def store_loader(info: Info[Context, None]) -> StoreLoader:
    def load(store_id: uuid.UUID) -> Awaitable[Store]:
        return _Later(partial(_load_store, info, store_id))

    return load


def store_source(info: Info[Context, None]) -> StoreSource:
    """Stores as ``store_loader`` gives them, and at once those built already for this request."""

    def source(store_id: uuid.UUID) -> Store | Awaitable[Store]:
        found = info.context.loaders.stores.get(store_id)
        return cast(Store, found) if found is not None else _Later(partial(_load_store, info, store_id))

    return source


async def preload_stores(info: Info[Context, None], store_ids: Iterable[uuid.UUID]) -> None:
    """The stores of a list's rows, read with one query and built once, so that each row's store is at hand."""
    loaders = info.context.loaders
    wanted = [key for key in set(store_ids) if key not in loaders.stores]
    for key, row in zip(wanted, await loaders.store.load_many(wanted)):
        if row is not None:
            loaders.stores[key] = store(info, row)


def receipt_loader(info: Info[Context, None]) -> ReceiptLoader:
    """Pages of a job's receipt; the job was reached through the seller's own rows."""

    async def load(job_id: uuid.UUID, first: int | None, after: str | None) -> ImportReceiptConnection:
        page = await imports.receipt(job_id, first=first, after=after)
        return common.connection(page, ImportReceiptConnection, ImportReceiptEdge, partial(receipt_line, info))

    return load


def receipt_line(info: Info[Context, None], row: models.ImportReceiptLine) -> ImportReceiptLine:
    total = None
    if row.total_amount is not None and row.currency is not None:
        total = Money.of(row.total_amount, row.currency)
    return ImportReceiptLine(
        order_id=row.order_id,
        order_number=row.order_number,
        placed_at=row.placed_at,
        total=total,
        outcome=ImportOutcome(row.outcome.value),
        imported_order=imported_order(info, row.imported_order) if row.imported_order else None,
        transaction=transaction(info, row.transaction) if row.transaction else None,
    )


def imported_order(info: Info[Context, None], row: models.ImportedOrder | models.Row) -> ImportedOrder:
    return ImportedOrder.from_row(row, store_source(info), receipt_loader(info))


def import_job(info: Info[Context, None], row: models.ImportJob | models.Row) -> ImportJob:
    return ImportJob.from_row(row, store_source(info), receipt_loader(info))


def audit_event(info: Info[Context, None], row: models.AuditEvent) -> AuditEvent:
    return AuditEvent.from_row(row, store_loader(info), receipt_loader(info))


def transaction(info: Info[Context, None], row: models.Transaction | models.Row) -> Transaction:
    return Transaction.from_row(row, store_source(info))
