"""Object types built from rows for one request, with what only services know: a store's webhook URL and health.

Every type that leads to a store is given ``store_loader(info)``, so a store reached through any path (a
transaction's, a job's, an order's) is built here, through the request's DataLoader.
"""

from __future__ import annotations

import uuid
from functools import partial

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
    Transaction,
    WebhookHealth,
)
from ..services import imports, webhooks
from . import common  # a module: common imports this one


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


def store_loader(info: Info[Context, None]) -> StoreLoader:
    async def load(store_id: uuid.UUID) -> Store:
        row = await info.context.loaders.store.load(store_id)  # the loaders of the moment (fresh per event)
        assert row is not None  # a foreign key
        return store(info, row)

    return load


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


def imported_order(info: Info[Context, None], row: models.ImportedOrder) -> ImportedOrder:
    return ImportedOrder.from_row(row, store_loader(info), receipt_loader(info))


def import_job(info: Info[Context, None], row: models.ImportJob) -> ImportJob:
    return ImportJob.from_row(row, store_loader(info), receipt_loader(info))


def audit_event(info: Info[Context, None], row: models.AuditEvent) -> AuditEvent:
    return AuditEvent.from_row(row, store_loader(info), receipt_loader(info))


def transaction(info: Info[Context, None], row: models.Transaction) -> Transaction:
    return Transaction.from_row(row, store_loader(info))
